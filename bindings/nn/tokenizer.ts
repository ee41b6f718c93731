/**
 * A character-level tokenizer: one token per Unicode code point of a fixed alphabet, ids in the
 * code points' sorted order (so the same text always gives the same vocabulary).
 */
import { ParameterError, parameterError } from '../runtime/errors.js';
import { optionKeys, readOptions } from '../runtime/validate.js';

/** A character tokenizer made by {@link charTokenizer}. */
export interface CharTokenizer {
  /** The alphabet; `vocab[id]` is the character of token `id`. */
  readonly vocab: readonly string[];
  /** Number of tokens (the model's vocabSize). */
  readonly size: number;
  /**
   * Token ids of `text`. A character outside the alphabet is a ParameterError, or maps to the
   * `unknown` character's id when the tokenizer was made with one.
   */
  encode(text: string): Int32Array;
  /** The text of a sequence of ids (each in [0, size)). */
  decode(ids: ArrayLike<number>): string;
}

/**
 * A tokenizer whose alphabet is every distinct code point of `text` (sorted by code point).
 * `options.unknown` (a single character, added to the alphabet if absent) stands in for characters
 * the training text did not contain; without it, encoding such a character throws.
 */
export function charTokenizer(text: string, options?: { unknown?: string }): CharTokenizer {
  const fn = 'charTokenizer';
  if (typeof text !== 'string' || text.length === 0) throw parameterError(fn, 'text', 'a non-empty string', text);
  const o = readOptions(fn, options, optionKeys<NonNullable<Parameters<typeof charTokenizer>[1]>>({ unknown: true }));
  const unk = o.unknown;
  if (unk !== undefined && (typeof unk !== 'string' || [...unk].length !== 1)) throw parameterError(fn, 'options.unknown', 'a single character', unk);
  const set = new Set<number>();
  for (const ch of text) set.add(ch.codePointAt(0)!);
  if (unk !== undefined) set.add(unk.codePointAt(0)!);
  const codes = [...set].sort((a, b) => a - b);
  const vocab = codes.map((c) => String.fromCodePoint(c));
  const index = new Map<number, number>(codes.map((c, i) => [c, i]));
  const unkId = unk === undefined ? -1 : index.get(unk.codePointAt(0)!)!;
  return {
    vocab,
    size: vocab.length,
    encode(s: string): Int32Array {
      if (typeof s !== 'string') throw parameterError('CharTokenizer.encode', 'text', 'a string', s);
      const out: number[] = [];
      let at = 0;
      for (const ch of s) {
        const id = index.get(ch.codePointAt(0)!);
        if (id === undefined) {
          if (unkId < 0) throw new ParameterError(`CharTokenizer.encode: text holds ${JSON.stringify(ch)} at character ${at}, which is not in the alphabet of ${vocab.length} characters (make the tokenizer with options.unknown to map such characters)`);
          out.push(unkId);
        } else out.push(id);
        at++;
      }
      return Int32Array.from(out);
    },
    decode(ids: ArrayLike<number>): string {
      if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') throw parameterError('CharTokenizer.decode', 'ids', 'an array of token ids', ids);
      let s = '';
      for (let i = 0; i < ids.length; i++) {
        const v = ids[i];
        if (!Number.isInteger(v) || v! < 0 || v! >= vocab.length) throw parameterError('CharTokenizer.decode', `ids[${i}]`, `a token id in [0, ${vocab.length - 1}]`, v);
        s += vocab[v!];
      }
      return s;
    },
  };
}
