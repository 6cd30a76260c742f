/**
 * The cleaner session's near-duplicate search (no inference here: the embedder is a stand-in returning fixed
 * vectors; the real one, the training worker's embed, runs in tests/e2e/evaluation.spec.ts on the bears).
 */
import { describe, expect, it } from 'vitest';
import { CleanerSession, type PhotoEmbedder } from '../../src/ui/evaluation/cleaner-session';

const photo = (id: string) => ({ id, path: `f/${id}.jpg`, file: new Blob([id]) });

describe('CleanerSession.embedMissing', () => {
  it('embeds each photo once, in chunks, and flags the near ones; failures are counted, not fatal', async () => {
    const calls: number[] = [];
    const vectors: Record<string, number[]> = { a: [1, 0, 0], b: [0.999, 0.01, 0], c: [0, 1, 0] };
    const embed: PhotoEmbedder = async (blobs) => {
      calls.push(blobs.length);
      const ids = await Promise.all(blobs.map((b) => b.text()));
      return {
        ok: true,
        results: ids.map((id) =>
          vectors[id] ? { ok: true, features: Float32Array.from(vectors[id]) } : { ok: false, message: 'broken' },
        ),
      };
    };
    const session = new CleanerSession();
    expect(session.canEmbed).toBe(false);
    session.setEmbedder(embed);
    const said = await session.embedMissing(['a', 'b', 'c', 'd'].map(photo));
    expect(said).toBe('Compared 4 photos: 1 group of near duplicates. 1 could not be compared.');
    expect(session.flags().get('b')).toMatchObject({ kind: 'near', of: { id: 'a' } });
    expect(session.flags().has('c')).toBe(false);
    expect(calls).toEqual([4]);
    // Again: nothing new to embed.
    await session.embedMissing(['a', 'b', 'c', 'd'].map(photo));
    expect(calls).toEqual([4]);
  });

  it('says why when the embedder fails, and without one that it cannot', async () => {
    const session = new CleanerSession();
    expect(await session.embedMissing([photo('a')])).toMatch(/need a model/);
    session.setEmbedder(async () => ({ ok: false, message: 'this model has no pooled features' }));
    expect(await session.embedMissing([photo('a')])).toBe(
      'Near duplicates could not be looked for: this model has no pooled features',
    );
    expect(session.embedding).toBeUndefined();
  });
});
