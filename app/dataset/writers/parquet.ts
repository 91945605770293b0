/**
 * Hugging Face datasets Parquet with TRL's conversational preference columns, images embedded:
 * `prompt` (messages), `chosen` / `rejected` (one assistant message each), `images` (a list of
 * `{bytes, path}` image structs, typed as `datasets` images through the file's `huggingface`
 * metadata), `tools` (JSON text), `margin`, `id`. The layout is `trl-lib/rlaif-v`'s: with images,
 * every message's content is a list of `{type, text}` parts (`{"type": "image"}` where an image
 * stands); a text-only file keeps plain string content, which every chat template renders.
 * `datasets.load_dataset("parquet", data_files=...)` opens it and TRL's RewardTrainer trains on it.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { SchemaElement } from 'hyparquet';
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import type { FullItem } from '../../store/item-pages';
import type { PromptContentPart, PromptMessage } from '../../store/types';
import { orderedPairs, promptMessages, storedTools } from '../export-rows';
import { droppedMetadata, type DroppedField, type FormatWriter, type ItemRows } from './format-writer';

/** Rows per row group; memory holds one group, images included, so groups with images are smaller. */
const GROUP_ROWS = 1000;
const GROUP_ROWS_WITH_IMAGES = 64;

/** What the file's columns look like; decided from every row before the first is written. */
export interface ParquetLayout {
  /** Content as `{type, text}` parts (any image, or content stored as parts) instead of strings. */
  parts: boolean;
  images: boolean;
  tools: boolean;
  /** Every row has a margin: TRL's collator reads it from all rows or none. */
  margin: boolean;
}

/** One Parquet row before its images are read: image paths, not bytes. */
export interface ParquetRow {
  id: string;
  prompt: PromptMessage[];
  chosen: PromptMessage[];
  rejected: PromptMessage[];
  images: string[];
  tools: string | null;
  margin: number | null;
}

export function parquetRows(item: FullItem, imagePaths: string[], layout: ParquetLayout | null): ItemRows {
  const prompt = promptMessages(item, imagePaths.length);
  const { pairs, ties } = orderedPairs(item);
  const tools = storedTools(item);
  const keepMargin = layout === null || layout.margin;
  const rows = pairs.map(
    (pair): ParquetRow => ({
      id: pair.id,
      prompt,
      chosen: [{ role: 'assistant', content: item.responses[pair.chosen] ?? '' }],
      rejected: [{ role: 'assistant', content: item.responses[pair.rejected] ?? '' }],
      images: imagePaths,
      tools: tools === null ? null : JSON.stringify(tools),
      margin: keepMargin ? item.margin : null,
    }),
  );
  const dropped: DroppedField[] = [...droppedMetadata(item, 'Parquet (TRL)')];
  if (!keepMargin && item.margin !== null) {
    dropped.push({ what: 'margin', reason: 'some exported items have no margin, and TRL reads a margin from every row or from none' });
  }
  return { rows: rows as unknown as Record<string, unknown>[], ties, dropped };
}

/** Accumulates the layout over a first pass of the rows. */
export class ParquetLayoutScan {
  private parts = false;
  private images = false;
  private tools = false;
  private withMargin = 0;
  private rows = 0;

  add(rows: ParquetRow[]): void {
    for (const row of rows) {
      this.rows += 1;
      if (row.images.length > 0) this.images = true;
      if (row.tools !== null) this.tools = true;
      if (row.margin !== null) this.withMargin += 1;
      if (!this.parts && [...row.prompt, ...row.chosen].some((message) => typeof message.content !== 'string')) this.parts = true;
    }
  }

  layout(): ParquetLayout {
    return { parts: this.parts || this.images, images: this.images, tools: this.tools, margin: this.rows > 0 && this.withMargin === this.rows };
  }
}

export function parquetWriter(layout: ParquetLayout | null): FormatWriter {
  return { container: () => 'parquet', writesUnlabeled: false, rows: (item, imagePaths) => parquetRows(item, imagePaths, layout) };
}

const text = (name: string): SchemaElement => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });

/** `name: list<element: children>` as a three-level Parquet LIST of an optional group. */
function listOf(name: string, children: SchemaElement[][]): SchemaElement[] {
  return [
    { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', repetition_type: 'OPTIONAL', num_children: children.length },
    ...children.flat(),
  ];
}

export function parquetSchema(layout: ParquetLayout): { schema: SchemaElement[]; columns: string[] } {
  const content = layout.parts ? listOf('content', [[text('text')], [text('type')]]) : [text('content')];
  const messages = (name: string): SchemaElement[] => listOf(name, [content, [text('role')]]);
  const parts: [string, SchemaElement[]][] = [
    ['id', [text('id')]],
    ['prompt', messages('prompt')],
    ['chosen', messages('chosen')],
    ['rejected', messages('rejected')],
  ];
  if (layout.images) {
    parts.push(['images', listOf('images', [[{ name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' }], [text('path')]])]);
  }
  if (layout.tools) parts.push(['tools', [text('tools')]]);
  if (layout.margin) parts.push(['margin', [{ name: 'margin', type: 'DOUBLE', repetition_type: 'OPTIONAL' }]]);
  return {
    schema: [{ name: 'root', num_children: parts.length }, ...parts.flatMap(([, elements]) => elements)],
    columns: parts.map(([name]) => name),
  };
}

/**
 * `datasets` takes a column's feature from this metadata when its Arrow type matches, so the
 * image structs load as images; `Sequence` is the spelling datasets 2.x to 5.x all read.
 */
function huggingfaceMetadata(layout: ParquetLayout): { key: string; value: string }[] {
  const features = layout.images ? { images: { feature: { _type: 'Image' }, _type: 'Sequence' } } : {};
  return [{ key: 'huggingface', value: JSON.stringify({ info: { features } }) }];
}

type ParquetPart = { type: string; text: string | null };

function content(value: string | PromptContentPart[], parts: boolean): string | ParquetPart[] {
  if (!parts) return typeof value === 'string' ? value : value.map((part) => (part.type === 'text' ? part.text : '')).join('');
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return value.map((part) => (part.type === 'text' ? { type: 'text', text: part.text } : { type: 'image', text: null }));
}

/** Writes row groups as rows arrive, reading each group's images from the project's media. */
export class ParquetSink {
  imagesEmbedded = 0;
  private readonly writer: ParquetWriter;
  private readonly columns: string[];
  private pending: ParquetRow[] = [];

  constructor(
    file: string,
    private readonly layout: ParquetLayout,
  ) {
    const { schema, columns } = parquetSchema(layout);
    this.columns = columns;
    this.writer = new ParquetWriter({ writer: fileWriter(file), schema, kvMetadata: huggingfaceMetadata(layout), createdBy: 'Reward Studio' });
  }

  async write(rows: ParquetRow[]): Promise<void> {
    const groupRows = this.layout.images ? GROUP_ROWS_WITH_IMAGES : GROUP_ROWS;
    for (const row of rows) {
      this.pending.push(row);
      if (this.pending.length >= groupRows) await this.flush();
    }
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.writer.finish();
  }

  private async flush(): Promise<void> {
    const rows = this.pending;
    if (rows.length === 0) return;
    this.pending = [];
    const parts = this.layout.parts;
    const messages = (list: PromptMessage[]) => list.map((message) => ({ role: message.role, content: content(message.content, parts) }));
    const values: Record<string, unknown[]> = { id: [], prompt: [], chosen: [], rejected: [], images: [], tools: [], margin: [] };
    // An image shared by several pairs of one item is read once per group.
    const bytes = new Map<string, Uint8Array>();
    for (const row of rows) {
      values.id?.push(row.id);
      values.prompt?.push(messages(row.prompt));
      values.chosen?.push(messages(row.chosen));
      values.rejected?.push(messages(row.rejected));
      const images: { bytes: Uint8Array; path: string }[] = [];
      for (const path of row.images) {
        let data = bytes.get(path);
        if (data === undefined) {
          data = new Uint8Array(await readFile(path));
          bytes.set(path, data);
        }
        images.push({ bytes: data, path: basename(path) });
      }
      this.imagesEmbedded += images.length;
      values.images?.push(images);
      values.tools?.push(row.tools);
      values.margin?.push(row.margin);
    }
    await this.writer.write({
      columnData: this.columns.map((name) => ({ name, data: values[name] ?? [] })),
      rowGroupSize: rows.length,
    });
  }
}
