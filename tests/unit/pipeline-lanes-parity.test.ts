/**
 * A batch spread over several workers gives every photo exactly the result it gets alone. Real models, real
 * onnxruntime-web sessions, real photos: one session per lane (as each helper worker has its own), calls handed out
 * by the same LanePool the client uses, several in flight at once, against a serial pass on one session. Scores are
 * compared bit for bit, so a lane that mixed up photos, buffers or sessions would show.
 *
 * (In the browser the helpers run ORT with one thread and the model's own worker with two; both gave bit-identical
 * outputs for the default and the zoo model on the shared photos when measured, so lanes are free to differ in
 * threads. Node fixes ORT's thread count per process, so that part is not repeated here.)
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { describe, expect, it, vi } from 'vitest';
import { LanePool } from '../../src/inference/worker-lanes';
import { decodeImageFile, loadNodeModel, type NodeModel } from '../../src/node/classify-file';
import { classifyPixels } from '../../src/vision/pipeline';
import type { PixelBuffer } from '../../src/vision/resize';

ort.env.wasm.numThreads = 1;
vi.setConfig({ testTimeout: 180_000 });

const repo = fileURLToPath(new URL('../..', import.meta.url));
const shared = process.env.ONSIGHT_SHARED ?? fileURLToPath(new URL('../../../shared', import.meta.url));
const haveShared = existsSync(`${shared}/models/imagenet-mobilenetv2-zoo/model.onnx`);
if (!haveShared && process.env.CI === 'true') throw new Error(`CI: the shared test data is missing (${shared})`);

const models = [
  { name: 'default', path: `${repo}/public/models/default/model.onnx` },
  { name: 'zoo (spec from labels.txt and defaults)', path: `${shared}/models/imagenet-mobilenetv2-zoo/model.onnx` },
];

/** The shared photos and a few real pets, in a fixed order. */
function photoPaths(): string[] {
  const photos = ['dog', 'eagle', 'giraffe', 'horses'].map((p) => `${shared}/photos/${p}.jpg`);
  for (const kind of ['cats', 'dogs']) {
    const dir = `${shared}/datasets/pets-small/${kind}`;
    if (existsSync(dir))
      photos.push(
        ...readdirSync(dir)
          .sort()
          .slice(0, 4)
          .map((f) => `${dir}/${f}`),
      );
  }
  return photos;
}

describe.skipIf(!haveShared)('lanes: a batch over several sessions equals one photo at a time', () => {
  it.each(models)('$name model', async ({ path }) => {
    if (!existsSync(path)) throw new Error(`missing ${path} (run npm run model:default)`);
    const lanesCount = 3;
    const sessions: NodeModel[] = [];
    for (let i = 0; i < lanesCount; i++) sessions.push(await loadNodeModel(path));
    const [primary, ...helpers] = sessions as [NodeModel, ...NodeModel[]];
    const paths = photoPaths();
    const pixels: PixelBuffer[] = [];
    for (const p of paths) pixels.push(await decodeImageFile(p));

    // Serial: one session, one photo at a time, all scores (topK = every class).
    const classes = primary.spec.labels.length;
    const serial = [];
    for (const px of pixels)
      serial.push((await classifyPixels(primary.session, primary.spec, px, classes)).predictions);

    // A batch: every photo asked for at once, each run on whichever lane the pool hands out.
    const pool = new LanePool<NodeModel>({ primaryMayJoin: () => false });
    for (const h of helpers) pool.addHelper(h);
    const used = new Set<NodeModel>();
    let inFlight = 0;
    let maxInFlight = 0;
    const batch = await Promise.all(
      pixels.map(async (px) => {
        const lease = await pool.acquire();
        const model = lease.lane.kind === 'primary' ? primary : lease.lane.handle;
        used.add(model);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          // Yield first, so that calls on other lanes really are in flight together.
          await new Promise((r) => setTimeout(r, 0));
          return (await classifyPixels(model.session, model.spec, px, classes)).predictions;
        } finally {
          inFlight--;
          lease.release();
        }
      }),
    );

    expect(used.size).toBe(lanesCount);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(batch).toHaveLength(paths.length);
    for (let i = 0; i < paths.length; i++) {
      // Bit for bit: same classes, same order, same float scores.
      expect(batch[i], paths[i]).toEqual(serial[i]);
    }
    // And the photos are not all alike, so a mix-up could not hide behind equal answers.
    expect(new Set(serial.map((s) => s[0]?.label)).size).toBeGreaterThan(1);
  });
});
