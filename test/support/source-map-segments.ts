/** A test helper: source map mappings decoded to absolute positions, to compare by eye. */
import { decodeVlq } from '../../workers/inline-source-map';

/** Each generated line's segments as absolute [column, source, line, sourceColumn] (0-based), [column] without a source. */
export function absoluteSegments(mappings: string): number[][][] {
  const state = [0, 0, 0];
  return mappings.split(';').map((line) => {
    let column = 0;
    return (line ? line.split(',') : []).map((segment) => {
      const fields = decodeVlq(segment);
      column += fields[0];
      if (fields.length === 1) return [column];
      for (let i = 1; i < 4; i++) state[i - 1] += fields[i];
      return [column, ...state];
    });
  });
}
