/**
 * A byte-level BPE tokenizer that reads a Hugging Face `tokenizer.json` and gives the same ids as the
 * Python (Rust `tokenizers`) tokenizer with add_special_tokens=False — what the worker uses for
 * prompts and responses. Covers what Qwen2-family tokenizers use: added/special tokens matched first
 * (leftmost, longest), an NFC/NFKC normalizer, a ByteLevel pre-tokenizer (GPT-2 regex) or a
 * Split(regex, Isolated) + ByteLevel(use_regex=false) sequence, and a BPE model with merges.
 *
 * Written here rather than taken from npm: the packages that do this (@huggingface/transformers,
 * tokenizers bindings) pull in tens of MB (their own onnxruntime-web, native builds) for ~250 lines
 * of logic, and the studio must run offline with what it ships.
 */
import { readFileSync } from 'node:fs';
import { StudioError } from '../errors';

interface AddedToken {
  id: number;
  content: string;
  lstrip?: boolean;
  rstrip?: boolean;
  special?: boolean;
}

interface PreTokenizerSpec {
  type: string;
  add_prefix_space?: boolean;
  use_regex?: boolean;
  pattern?: { Regex?: string; String?: string };
  behavior?: string;
  invert?: boolean;
  pretokenizers?: PreTokenizerSpec[];
}

interface NormalizerSpec {
  type: string;
  normalizers?: NormalizerSpec[];
}

interface TokenizerJson {
  added_tokens?: AddedToken[];
  normalizer?: NormalizerSpec | null;
  pre_tokenizer?: PreTokenizerSpec | null;
  model: {
    type: string;
    vocab: Record<string, number>;
    merges: (string | [string, string])[];
    ignore_merges?: boolean;
    dropout?: number | null;
    continuing_subword_prefix?: string | null;
    end_of_word_suffix?: string | null;
    byte_fallback?: boolean;
  };
}

/** GPT-2's split pattern, what ByteLevel(use_regex=true) applies. */
const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

type PreTokenizeStep = (pieces: string[]) => string[];

/** GPT-2's reversible byte -> printable character table. */
function byteToUnicode(): string[] {
  const table: string[] = new Array(256);
  const printable = new Set<number>();
  for (let b = 33; b <= 126; b += 1) printable.add(b);
  for (let b = 161; b <= 172; b += 1) printable.add(b);
  for (let b = 174; b <= 255; b += 1) printable.add(b);
  let extra = 0;
  for (let b = 0; b < 256; b += 1) {
    table[b] = String.fromCharCode(printable.has(b) ? b : 256 + extra++);
  }
  return table;
}

/**
 * The Rust regexes use Oniguruma/fancy-regex syntax; JS needs two rewrites: `(?i:...)` groups (no
 * inline flags in Node 20) become explicit [aA] classes, and `\s` becomes Unicode White_Space, which
 * is what Oniguruma's \s matches (JS's \s also takes U+FEFF and misses U+0085).
 */
export function toJsRegex(pattern: string): RegExp {
  let source = pattern.replace(/\(\?i:([^()\\]*)\)/g, (_, body: string) =>
    `(?:${body.replace(/[a-zA-Z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`)})`,
  );
  if (source.includes('(?i')) throw new Error(`unsupported inline flag group in tokenizer regex: ${pattern}`);
  source = source.replace(/\\s/g, '\\p{White_Space}').replace(/\\S/g, '\\P{White_Space}');
  return new RegExp(source, 'gu');
}

/** Split keeping both the matches and the text between them (tokenizers' "Isolated" behaviour). */
function splitIsolated(text: string, regex: RegExp): string[] {
  const out: string[] = [];
  let last = 0;
  for (const match of text.matchAll(regex)) {
    const start = match.index ?? 0;
    if (match[0].length === 0) continue;
    if (start > last) out.push(text.slice(last, start));
    out.push(match[0]);
    last = start + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export class BpeTokenizer {
  private readonly vocab: Map<string, number>;
  private readonly ranks = new Map<string, number>();
  private readonly added: AddedToken[];
  private readonly addedRegex: RegExp | null;
  private readonly addedByContent = new Map<string, AddedToken>();
  private readonly normalize: (text: string) => string;
  private readonly preTokenize: PreTokenizeStep;
  private readonly ignoreMerges: boolean;
  private readonly byteChars = byteToUnicode();
  private readonly encoder = new TextEncoder();
  private readonly cache = new Map<string, number[]>();

  static fromFile(file: string): BpeTokenizer {
    let json: TokenizerJson;
    try {
      json = JSON.parse(readFileSync(file, 'utf8')) as TokenizerJson;
    } catch (error) {
      throw new StudioError('bad_file', `cannot read the tokenizer ${file}: ${(error as Error).message}`, 'Export the model again; the export folder must hold the tokenizer.json the model was trained with.');
    }
    return new BpeTokenizer(json, file);
  }

  constructor(json: TokenizerJson, source = 'tokenizer.json') {
    const unsupported = (what: string) =>
      new StudioError('bad_file', `${source}: ${what} is not supported by the studio's tokenizer`, 'Score this model with the Python worker instead of the ONNX export.');
    const model = json.model;
    if (model?.type !== 'BPE') throw unsupported(`model type ${String(model?.type)}`);
    if (model.dropout || model.continuing_subword_prefix || model.end_of_word_suffix || model.byte_fallback) {
      throw unsupported('BPE dropout / subword prefix / suffix / byte fallback');
    }
    this.vocab = new Map(Object.entries(model.vocab));
    model.merges.forEach((merge, rank) => {
      const [a, b] = typeof merge === 'string' ? (merge.split(' ') as [string, string]) : merge;
      this.ranks.set(`${a}\u0000${b}`, rank);
    });
    this.ignoreMerges = model.ignore_merges === true;
    this.added = [...(json.added_tokens ?? [])].sort((x, y) => y.content.length - x.content.length);
    for (const token of this.added) this.addedByContent.set(token.content, token);
    // Alternatives longest first: JS takes the first alternative that matches at the leftmost
    // position, which is then the longest one (tokenizers' leftmost-longest matching).
    this.addedRegex = this.added.length
      ? new RegExp(this.added.map((t) => t.content.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gu')
      : null;
    this.normalize = normalizerOf(json.normalizer ?? null, unsupported);
    this.preTokenize = this.preTokenizerOf(json.pre_tokenizer ?? null, unsupported);
  }

  /** Token ids of `text`, no special tokens added (add_special_tokens=False). */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const segment of this.splitAdded(text)) {
      if (typeof segment !== 'string') {
        ids.push(segment.id);
        continue;
      }
      const normalized = this.normalize(segment);
      if (!normalized) continue;
      for (const piece of this.preTokenize([normalized])) ids.push(...this.bpe(piece));
    }
    return ids;
  }

  tokenId(content: string): number | undefined {
    return this.addedByContent.get(content)?.id ?? this.vocab.get(content);
  }

  /** Text and added tokens, in order; lstrip/rstrip tokens swallow the whitespace beside them. */
  private splitAdded(text: string): (string | AddedToken)[] {
    if (!this.addedRegex) return [text];
    const out: (string | AddedToken)[] = [];
    let last = 0;
    for (const match of text.matchAll(this.addedRegex)) {
      const token = this.addedByContent.get(match[0]) as AddedToken;
      let before = text.slice(last, match.index);
      if (token.lstrip) before = before.replace(/\s+$/u, '');
      if (before) out.push(before);
      out.push(token);
      last = (match.index ?? 0) + match[0].length;
      if (token.rstrip) while (last < text.length && /\s/u.test(text[last] as string)) last += 1;
    }
    if (last < text.length) out.push(text.slice(last));
    return out;
  }

  private preTokenizerOf(spec: PreTokenizerSpec | null, unsupported: (what: string) => Error): PreTokenizeStep {
    if (spec === null) return (pieces) => pieces.map((p) => this.bytes(p));
    if (spec.type === 'Sequence') {
      const steps = (spec.pretokenizers ?? []).map((s) => this.stepOf(s, unsupported));
      return (pieces) => steps.reduce((acc, step) => step(acc), pieces);
    }
    return this.stepOf(spec, unsupported);
  }

  private stepOf(spec: PreTokenizerSpec, unsupported: (what: string) => Error): PreTokenizeStep {
    if (spec.type === 'ByteLevel') {
      const regex = spec.use_regex === false ? null : toJsRegex(GPT2_PATTERN);
      const prefix = spec.add_prefix_space === true;
      return (pieces) =>
        pieces.flatMap((piece) => {
          const text = prefix && !piece.startsWith(' ') ? ` ${piece}` : piece;
          return (regex ? splitIsolated(text, regex) : [text]).map((p) => this.bytes(p));
        });
    }
    if (spec.type === 'Split') {
      if (spec.behavior !== 'Isolated' || spec.invert) throw unsupported(`Split behaviour ${String(spec.behavior)}${spec.invert ? ' (inverted)' : ''}`);
      const pattern = spec.pattern?.Regex;
      const regex = pattern !== undefined ? toJsRegex(pattern) : new RegExp((spec.pattern?.String ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gu');
      return (pieces) => pieces.flatMap((piece) => splitIsolated(piece, regex));
    }
    throw unsupported(`pre-tokenizer ${spec.type}`);
  }

  /** UTF-8 bytes of a piece, each as its printable stand-in character. */
  private bytes(piece: string): string {
    let out = '';
    for (const byte of this.encoder.encode(piece)) out += this.byteChars[byte];
    return out;
  }

  private bpe(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const direct = this.vocab.get(word);
    let ids: number[];
    if (this.ignoreMerges && direct !== undefined) {
      ids = [direct];
    } else {
      const parts = Array.from(word);
      // Merge the lowest-ranked adjacent pair until none is in the merges table.
      for (;;) {
        let best = -1;
        let bestRank = Infinity;
        for (let i = 0; i < parts.length - 1; i += 1) {
          const rank = this.ranks.get(`${parts[i]}\u0000${parts[i + 1]}`);
          if (rank !== undefined && rank < bestRank) {
            bestRank = rank;
            best = i;
          }
        }
        if (best < 0) break;
        parts.splice(best, 2, `${parts[best]}${parts[best + 1]}`);
      }
      ids = parts.map((part) => {
        const id = this.vocab.get(part);
        if (id === undefined) throw new StudioError('bad_file', `the tokenizer has no id for the piece ${JSON.stringify(part)}`, 'The tokenizer.json in the export is incomplete; export the model again.');
        return id;
      });
    }
    if (this.cache.size < 50_000) this.cache.set(word, ids);
    return ids;
  }
}

function normalizerOf(spec: NormalizerSpec | null, unsupported: (what: string) => Error): (text: string) => string {
  if (spec === null) return (text) => text;
  if (spec.type === 'Sequence') {
    const steps = (spec.normalizers ?? []).map((s) => normalizerOf(s, unsupported));
    return (text) => steps.reduce((acc, step) => step(acc), text);
  }
  if (spec.type === 'NFC' || spec.type === 'NFD' || spec.type === 'NFKC' || spec.type === 'NFKD') {
    const form = spec.type;
    return (text) => text.normalize(form);
  }
  throw unsupported(`normalizer ${spec.type}`);
}
