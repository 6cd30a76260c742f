/**
 * What the user gets wrong when bringing a TF.js / Teachable Machine model, and the message that says so: a missing
 * weight file named, a zip without model.json, weights that do not match the topology (the layer named), an
 * unsupported layer (its type and name), labels that do not fit the outputs, and more than one model at once.
 */
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertUserModel } from '../../src/convert/convert-user-model';
import { gatherTfjsModel, looksLikeTfjsModel } from '../../src/convert/tfjs-file-set';
import {
  exportFiles,
  given,
  mobileNetV2,
  teachableMachineMetadata,
  teachableMachineModel,
} from '../helpers/tfjs-models';

let modelJson = '';
let weightsBin: Uint8Array = new Uint8Array();
const metadata = teachableMachineMetadata(['a', 'b', 'c']);
const zipOf = (files: Record<string, string | Uint8Array>) =>
  zipSync(
    Object.fromEntries(
      Object.entries(files).map(([name, data]) => [
        name,
        typeof data === 'string' ? new TextEncoder().encode(data) : data,
      ]),
    ),
  );
/** model.json with `edit` applied to its topology. */
const editedTopology = (edit: (layers: { class_name: string; config: Record<string, unknown> }[]) => void) => {
  const json = JSON.parse(modelJson);
  // Sequential[Sequential[base, GAP], Sequential[Dense, Dense]]
  const [features, head] = json.modelTopology.config.layers;
  edit([...features.config.layers, ...head.config.layers]);
  return JSON.stringify(json);
};
const refusal = (files: Record<string, string | Uint8Array>) =>
  convertUserModel(given(files)).then(
    () => 'converted',
    (e: Error) => e.message,
  );

beforeAll(async () => {
  ({ modelJson, weightsBin } = await exportFiles(teachableMachineModel(mobileNetV2(32, 3, 0.35), 3)));
});

describe('which drops are TF.js models, by name alone', () => {
  it('a .zip, a model.json or a weight shard', () => {
    expect(looksLikeTfjsModel([{ name: 'tm-my-image-model.zip' }])).toBe(true);
    expect(looksLikeTfjsModel([{ name: 'model.json' }, { name: 'metadata.json' }])).toBe(true);
    expect(looksLikeTfjsModel([{ name: 'group1-shard1of2' }])).toBe(true);
    expect(looksLikeTfjsModel([{ name: 'weights.bin' }])).toBe(true);
    expect(looksLikeTfjsModel([{ name: 'labels.txt' }, { name: 'config.json' }, { name: 'dog.jpg' }])).toBe(false);
  });
});

describe('refusals name what is wrong', () => {
  it('model.json without its weights names the missing shard', async () => {
    expect(await refusal({ 'model.json': modelJson, 'metadata.json': metadata })).toBe(
      'model.json needs the weight file "weights.bin", which is not among the files given. Give it together with model.json (or the whole folder, or the .zip as downloaded).',
    );
    const json = JSON.parse(modelJson);
    json.weightsManifest[0].paths = ['group1-shard1of2', 'group1-shard2of2'];
    const half = weightsBin.slice(0, weightsBin.byteLength / 2);
    expect(await refusal({ 'model.json': JSON.stringify(json), 'group1-shard1of2': half })).toContain(
      'needs the weight file "group1-shard2of2", which is not among the files given',
    );
  });

  it('a zip without model.json says so', async () => {
    const zip = zipOf({ 'metadata.json': metadata, 'weights.bin': weightsBin });
    expect(await refusal({ 'tm-my-image-model.zip': zip })).toBe(
      'tm-my-image-model.zip holds no model.json (metadata.json, weights.bin), so it is not a TF.js or Teachable Machine model export: that is model.json with its weight file(s), and metadata.json from Teachable Machine',
    );
    expect(await refusal({ 'photos.zip': new TextEncoder().encode('not a zip at all') })).toMatch(
      /^photos\.zip is not a readable \.zip file/,
    );
  });

  it('weights that do not match the topology name the layer', async () => {
    const fourUnits = editedTopology((layers) => {
      const dense = layers.find((l) => l.config.name === 'dense_Dense2');
      if (dense) dense.config.units = 4;
    });
    expect(await refusal({ 'model.json': fourUnits, 'weights.bin': weightsBin, 'metadata.json': metadata })).toBe(
      'model.json: layer "dense_Dense2": the weights do not match the topology: weight "kernel" has shape [100,3] in the weights manifest, but the layer needs [100,4]',
    );
    // TF.js writes the non-trainable weights last: the batch-norm statistics of the last block.
    const short = weightsBin.slice(0, weightsBin.byteLength - 400);
    expect(await refusal({ 'model.json': modelJson, 'weights.bin': short })).toMatch(
      /^model\.json: weights\.bin holds \d+ bytes, too few for the weights model\.json lists: weight "Conv_1_bn\/moving_variance" \(layer "Conv_1_bn"\) runs past the end/,
    );
    const long = new Uint8Array(weightsBin.byteLength + 400);
    long.set(weightsBin);
    expect(await refusal({ 'model.json': modelJson, 'weights.bin': long })).toBe(
      'model.json: weights.bin holds 400 bytes left over after the last weight model.json lists ("Conv_1_bn/moving_variance", layer "Conv_1_bn"). The weights do not match the topology: are they from another export?',
    );
  });

  it('an unsupported layer names its type and name', async () => {
    const lstm = editedTopology((layers) => {
      const pooling = layers.find((l) => l.class_name === 'GlobalAveragePooling2D');
      if (pooling) Object.assign(pooling, { class_name: 'LSTM', config: { ...pooling.config, name: 'my_lstm' } });
    });
    expect(await refusal({ 'model.json': lstm, 'weights.bin': weightsBin })).toMatch(
      /^model\.json: unsupported layer type "LSTM" \(layer "my_lstm"\); supported: /,
    );
  });

  it('labels that do not fit the outputs, and anything that is not a layers model', async () => {
    const fiveLabels = teachableMachineMetadata(['a', 'b', 'c', 'd', 'e']);
    expect(await refusal({ 'model.json': modelJson, 'weights.bin': weightsBin, 'metadata.json': fiveLabels })).toMatch(
      /output "output_0" has 3 scores per image, but there are 5 labels \(from metadata\.json \(Teachable Machine\)\)/,
    );
    const graph = JSON.stringify({ format: 'graph-model', modelTopology: { node: [] } });
    expect(await refusal({ 'model.json': graph })).toBe(
      'model.json: format "graph-model" is not supported, only TF.js layers models ("layers-model")',
    );
  });

  it('two models at once are refused; a folder with one model and other files is fine', async () => {
    const two = zipOf({ 'a/model.json': modelJson, 'b/model.json': modelJson, 'a/weights.bin': weightsBin });
    expect(await refusal({ 'models.zip': two })).toBe(
      'models.zip holds 2 models (a/model.json, b/model.json); give the files of one model at a time',
    );
    const folder = given(
      { 'model.json': modelJson, 'weights.bin': weightsBin, 'metadata.json': metadata, 'notes.md': '# notes' },
      'export',
    );
    const found = await gatherTfjsModel(folder);
    expect([...found.weights.keys()]).toEqual(['weights.bin']);
    expect(found.companions.map((c) => c.name)).toEqual(['metadata.json']);
    expect(found.fallbackName).toBe('export');
    // Shards named with a subfolder relative to model.json are found there.
    const json = JSON.parse(modelJson);
    json.weightsManifest[0].paths = ['weights/part.bin'];
    const nested = zipOf({ 'm/model.json': JSON.stringify(json), 'm/weights/part.bin': weightsBin });
    const fromZip = await gatherTfjsModel(given({ 'nested.zip': nested }));
    expect(fromZip.weights.get('weights/part.bin')?.byteLength).toBe(weightsBin.byteLength);
    expect(fromZip.where).toBe('nested.zip: m/model.json');
  });
});
