/** The embeddings matrix the training run gathers photos into: one allocation, rows in order, checked sizes. */
import { describe, expect, it } from 'vitest';
import { EmbeddingMatrix, stackEmbeddings } from '../../src/train/embed';

describe('EmbeddingMatrix', () => {
  it('holds copies of the vectors in order, as stackEmbeddings packs them, and views only the rows pushed', () => {
    const vectors = [0, 1, 2].map((i) => Float32Array.from({ length: 4 }, (_, k) => i * 10 + k));
    const matrix = new EmbeddingMatrix(5);
    expect(vectors.map((v) => matrix.push(v))).toEqual([0, 1, 2]);
    (vectors[0] as Float32Array).fill(-1);
    expect(Array.from(matrix.row(0))).toEqual([0, 1, 2, 3]);
    const packed = stackEmbeddings([
      Float32Array.of(0, 1, 2, 3),
      vectors[1] as Float32Array,
      vectors[2] as Float32Array,
    ]);
    expect(matrix.toEmbeddings()).toEqual(packed);
    expect(matrix.count).toBe(3);
  });

  it('refuses a vector of another length and more rows than it has room for', () => {
    const matrix = new EmbeddingMatrix(1);
    matrix.push(new Float32Array(3));
    expect(() => matrix.push(new Float32Array(3))).toThrow('more than the 1 embeddings room was made for');
    const two = new EmbeddingMatrix(2);
    two.push(new Float32Array(2));
    expect(() => two.push(new Float32Array(3))).toThrow('embedding 1 has 3 values, the first has 2');
  });
});
