/**
 * The Node tokenizer gives the Python tokenizer's ids (add_special_tokens=False, what the worker uses)
 * from the tokenizer.json `export-onnx` writes (the worker's tokenizer as transformers loads it): the
 * tiny VL model's (ByteLevel BPE with the GPT-2 regex) and the tiny text model's (transformers loads it
 * as Qwen2Tokenizer: NFC + Qwen2's split regex), and a raw Qwen2-style tokenizer.json trained here.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BpeTokenizer } from '../../app/onnx/bpe-tokenizer';
import { fileTempDir } from '../runs/training-fixtures';
import { python, worker } from './onnx-fixtures';

const STRINGS = [
  'Hello world',
  'The square is red.<|im_end|>',
  '  leading   spaces\n\n\ttabs\r\nand CRLF\r\n',
  'def f(x):\n    return x**2  # squared\n\nprint(f(3))',
  'emoji 😀🎉👩‍👩‍👧 and ünïcödé; café vs cafe\u0301 (NFC)',
  '中文字符和日本語のテキスト、한국어',
  "don't I'll we've THEY'RE You'D",
  'a\u0085b\u00a0c\u3000d\ufeffe\u200bf',
  '<|im_start|>user\n<|vision_start|><|image_pad|><|image_pad|><|vision_end|>What?<|im_end|>\n<|im_start|>assistant\n',
  '12345 3.14159 -7 1e-3 ٣٤٥',
  '',
  '<|im_end|><|im_end|>x<|endoftext|>y',
  '   ',
  'end with space ',
  '{"json": [1, 2, {"k": "v"}]}',
];


const temp = fileTempDir('rs-onnx-tok-');
const tiny = { vl: '', text: '' };
let qwenStyleDir = '';

/** Writes <folder>/worker-tokenizer.json exactly as export-onnx writes the export's tokenizer.json. */
function writeWorkerTokenizer(folder: string, isVl: boolean): void {
  python<string>(
    `import json, sys
from pathlib import Path
from reward_studio.model import load_processor
from reward_studio.collate import Encoder
from reward_studio.onnx_export import worker_tokenizer_json
args = json.load(sys.stdin)
enc = Encoder(load_processor(args["folder"], args["vl"]), args["vl"], 512, "truncate")
Path(args["folder"], "worker-tokenizer.json").write_text(worker_tokenizer_json(enc.tokenizer), encoding="utf-8")
print(json.dumps("ok"))`,
    { folder, vl: isVl },
  );
}

beforeAll(() => {
  tiny.vl = path.join(temp.dir, 'tiny-vl');
  tiny.text = path.join(temp.dir, 'tiny-text');
  worker(['tiny-model', tiny.vl]);
  worker(['tiny-model', tiny.text, '--text-only']);
  writeWorkerTokenizer(tiny.vl, true);
  writeWorkerTokenizer(tiny.text, false);
  qwenStyleDir = path.join(temp.dir, 'qwen-style');
  // The tiny corpus with Qwen2's pre-tokenizer and normalizer (as in Qwen2's tokenizer.json).
  python<string>(
    `import json, sys
from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, trainers, decoders
from transformers import PreTrainedTokenizerFast
from reward_studio.tiny_model import SPECIAL_TOKENS, _corpus
out = json.load(sys.stdin)["out"]
pattern = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"""
tok = Tokenizer(models.BPE())
tok.normalizer = normalizers.NFC()
tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(pattern), behavior="isolated"),
                                             pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
tok.decoder = decoders.ByteLevel()
trainer = trainers.BpeTrainer(vocab_size=700, special_tokens=SPECIAL_TOKENS, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
tok.train_from_iterator(_corpus() + ["don't I'll THEY'RE café 中文 12345\\n\\n  x"], trainer=trainer)
PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>").save_pretrained(out)
print(json.dumps(out))`,
    { out: qwenStyleDir },
  );
}, 300_000);
afterAll(() => temp.remove());

describe('BpeTokenizer', () => {
  it.each([
    ['the tiny VL model (ByteLevel BPE)', () => tiny.vl, 'worker-tokenizer.json', true],
    ['the tiny text model (loaded as Qwen2Tokenizer: NFC + split regex)', () => tiny.text, 'worker-tokenizer.json', false],
    ['a Qwen2-style tokenizer.json (Split regex + NFC)', () => qwenStyleDir, 'tokenizer.json', false],
  ])('gives the Python ids for %s', (_name, folder, file, isVl) => {
    const expected = python<number[][]>(
      `import json, sys
args = json.load(sys.stdin)
from reward_studio.model import load_processor
from reward_studio.collate import Encoder
t = Encoder(load_processor(args["folder"], args["vl"]), args["vl"], 512, "truncate").tokenizer
print(json.dumps([t(s, add_special_tokens=False)["input_ids"] for s in args["strings"]]))`,
      { folder: folder(), strings: STRINGS, vl: isVl },
    );
    const tokenizer = BpeTokenizer.fromFile(path.join(folder(), file));
    const got = STRINGS.map((text) => tokenizer.encode(text));
    STRINGS.forEach((text, i) => expect(got[i], JSON.stringify(text)).toEqual(expected[i]));
    expect(got.flat().length).toBeGreaterThan(100);
  });

  it('says which part of an unsupported tokenizer.json it cannot read', () => {
    expect(() => new BpeTokenizer({ model: { type: 'WordPiece', vocab: {}, merges: [] } }, 'bert/tokenizer.json')).toThrow(/bert\/tokenizer.json: model type WordPiece is not supported/);
  });
});
