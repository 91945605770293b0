import { describe, expect, it } from 'vitest';
import { checkDraft, defaultRunName, draftFrom, groupFields, isChangedFromDefault, parseField, runNameProblem } from '../../renderer/views/runs/start/config-draft';
import type { TrainConfigField } from '../../renderer/client/contract-types';

const field = (name: string, type: string, value: unknown, extra: Partial<TrainConfigField> = {}): TrainConfigField => ({
  name,
  type,
  default: value,
  help: '',
  group: extra.group ?? 'training',
  flag: `--${name}`,
  secret: false,
  ...extra,
});

const FIELDS: TrainConfigField[] = [
  field('base_model_name', 'string', '', { group: 'model' }),
  field('dtype', 'string', 'auto', { group: 'model', choices: ['auto', 'bf16', 'fp32'] }),
  field('train_data_path', 'string', '', { group: 'data' }),
  field('batch_size', 'integer', 8),
  field('learning_rate', 'number', 1e-5),
  field('warmup_ratio', 'number', 0.1, { min: 0, max: 1 }),
  field('use_lora', 'boolean', false, { group: 'lora' }),
  field('load_in_8bit', 'boolean', false, { group: 'lora', requires: 'use_lora' }),
  field('max_pixels', 'integer?', null, { group: 'data' }),
  field('wandb_api_key', 'string', '', { group: 'run', secret: true }),
];

describe('Train form draft', () => {
  it('marks quantised loading without LoRA, and accepts it with LoRA', () => {
    const without = checkDraft(FIELDS, draftFrom(FIELDS, { load_in_8bit: true }), '/models/m');
    expect(without.errors.load_in_8bit).toContain('Needs use_lora');
    const withLora = checkDraft(FIELDS, draftFrom(FIELDS, { load_in_8bit: true, use_lora: true }), '/models/m');
    expect(withLora.errors.load_in_8bit).toBeUndefined();
    expect(withLora.config).toMatchObject({ load_in_8bit: true, use_lora: true });
  });

  it('starts from the defaults with a preset on top', () => {
    const draft = draftFrom(FIELDS, { batch_size: 2, use_lora: true, unknown: 1 });
    expect(draft.batch_size).toBe('2');
    expect(draft.learning_rate).toBe('0.00001');
    expect(draft.use_lora).toBe(true);
    expect(draft.max_pixels).toBe('');
    expect(Object.hasOwn(draft, 'unknown')).toBe(false);
  });

  it('checks types, choices, ranges and required numbers', () => {
    const byName = (name: string) => FIELDS.find((f) => f.name === name)!;
    expect(parseField(byName('batch_size'), '2.5')).toEqual({ ok: false, error: 'Enter a whole number.' });
    expect(parseField(byName('batch_size'), '-1')).toEqual({ ok: false, error: 'Must not be negative.' });
    expect(parseField(byName('batch_size'), '')).toEqual({ ok: false, error: 'Required: enter a number.' });
    expect(parseField(byName('learning_rate'), '2e-5')).toEqual({ ok: true, value: 2e-5 });
    expect(parseField(byName('learning_rate'), '1e-')).toMatchObject({ ok: false });
    expect(parseField(byName('warmup_ratio'), '1.5')).toEqual({ ok: false, error: 'At most 1.' });
    expect(parseField(byName('dtype'), 'fp16')).toMatchObject({ ok: false });
    expect(parseField(byName('max_pixels'), '')).toEqual({ ok: true, value: null });
  });

  it('marks changed fields and sends only those, plus the model path', () => {
    const draft = { ...draftFrom(FIELDS), batch_size: '4', learning_rate: '1e-5', wandb_api_key: '' };
    const byName = (name: string) => FIELDS.find((f) => f.name === name)!;
    expect(isChangedFromDefault(byName('batch_size'), '4')).toBe(true);
    expect(isChangedFromDefault(byName('learning_rate'), '0.00001')).toBe(false);
    const check = checkDraft(FIELDS, draft, '/models/tiny');
    expect(check.errors).toEqual({});
    expect(check.config).toEqual({ base_model_name: '/models/tiny', batch_size: 4 });
    expect(check.changedCount).toBe(1);
    expect(checkDraft(FIELDS, { ...draft, wandb_api_key: 'secret' }, 'm').config.wandb_api_key).toBe('secret');
  });

  it('requires a model and never sends studio-owned paths', () => {
    const check = checkDraft(FIELDS, { ...draftFrom(FIELDS), train_data_path: '/tmp/x.jsonl' }, ' ');
    expect(check.errors.base_model_name).toMatch(/base model/);
    expect(Object.hasOwn(check.config, 'train_data_path')).toBe(false);
  });

  it('groups in schema order and names runs validly', () => {
    expect(groupFields(FIELDS).map((group) => group.group)).toEqual(['model', 'data', 'training', 'lora', 'run']);
    const name = defaultRunName('tiny-cpu', new Date(2026, 10, 22, 9, 5));
    expect(name).toBe('tiny-cpu-20261122-0905');
    expect(runNameProblem(name)).toBeNull();
    expect(runNameProblem('my run')).toMatch(/letters/);
    expect(defaultRunName('Qwen2-VL 2B (LoRA)', new Date(2026, 0, 1))).toMatch(/^Qwen2-VL-2B-LoRA-20260101-0000$/);
  });
});
