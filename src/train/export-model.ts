/**
 * The trained model as one standard ONNX file: the cut backbone up to its features, then the head as
 * MatMul/Add[/Relu/MatMul/Add]/Softmax, with two outputs — {@link PROBABILITIES_OUTPUT} `[N, classes]`, which the spec
 * names, and the backbone's {@link FEATURES_OUTPUT} `[N, D]`, for the "unlike the training photos" judgement.
 *
 * `metadata_props` carry the spec (`onsight.spec`: the class names, the backbone's preprocessing, output kind
 * probabilities, the backbone's licence), the training provenance (`onsight.training`) and the training embeddings'
 * per-class statistics (`onsight.ood`), so the file needs nothing beside it: `npm run model:add` and a fresh OnSight
 * both read it as it is, and any ONNX runtime runs it.
 */
import { idFromFileName } from '../model/file-names';
import { type ModelSpec, SPEC_FORMAT_VERSION, SPEC_METADATA_KEY } from '../model/spec';
import { readOnnxMetadata } from '../onnx/read-onnx-metadata';
import { type BackboneCut, FEATURES_OUTPUT } from './backbone-cut';
import type { TrainedHead } from './head-model';
import type { HeadHyperParameters, TrainingResult } from './head-trainer';
import { OOD_METADATA_KEY, PROBABILITIES_OUTPUT, TRAINING_METADATA_KEY } from './model-names';
import {
  batchDimension,
  decodeModel,
  encodeModel,
  floatInitializer,
  floatValueInfo,
  GraphIndex,
  type NodeProto,
  onnx,
  type TensorProto,
} from './onnx-graph';
import { type OodStats, oodStatsFromJson, oodStatsToJson, type SubspaceOodStats } from './ood';

export { OOD_METADATA_KEY, PROBABILITIES_OUTPUT, TRAINING_METADATA_KEY };
/** ModelProto producer_name of exported models. */
export const TRAINED_PRODUCER = 'onsight-train';

/** What `onsight.training` holds: where the model came from and how it was trained. */
export interface TrainingProvenance {
  format: 1;
  /** ISO 8601 time of export. */
  date: string;
  backbone: {
    id: string;
    name: string;
    license: string;
    featureTensor: string;
    featureNode: string;
    featureSize: number;
  };
  /** Photos per class (originals; mirrored copies are not counted). */
  classes: { label: string; train: number; validation: number }[];
  validation: { accuracy: number; loss: number; count: number } | null;
  /** e.g. "Dense 100 ReLU → Dense 3 softmax". */
  head: string;
  hyperParameters: HeadHyperParameters & { flipAugmentation: boolean };
  epochs: { best: number; run: number; stoppedEarly: boolean };
}

export interface ExportTrainedModelOptions {
  /** The backbone cut the head was trained on (its features). */
  cut: BackboneCut;
  /** The backbone's spec: its preprocessing becomes the model's, its id/name/licence go into the provenance. */
  backboneSpec: ModelSpec;
  training: TrainingResult;
  /** Class names, in the head's output order. */
  labels: string[];
  /** Human-readable name of the new model, e.g. "Bears". */
  name: string;
  /** Defaults to one made from the name. */
  id?: string;
  /** Photos per class in training and validation (originals). */
  photosPerClass: { train: number[]; validation: number[] };
  flipAugmentation: boolean;
  /** Statistics for the "unlike the training photos" warning. */
  ood?: SubspaceOodStats;
  /** Export time (defaults to now). */
  date?: Date;
}

export interface ExportedModel {
  bytes: Uint8Array;
  spec: ModelSpec;
  provenance: TrainingProvenance;
}

export function describeHead(head: TrainedHead): string {
  return head.layers.map((l) => `Dense ${l.outSize} ${l.activation === 'relu' ? 'ReLU' : 'softmax'}`).join(' → ');
}

/** The head's nodes and weights, reading `features` and writing {@link PROBABILITIES_OUTPUT}. */
function headGraph(head: TrainedHead): { nodes: NodeProto[]; initializers: TensorProto[] } {
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  let x = FEATURES_OUTPUT;
  head.layers.forEach((layer, i) => {
    const prefix = `onsight_head/dense_${i + 1}`;
    initializers.push(floatInitializer(`${prefix}/kernel`, [layer.inSize, layer.outSize], layer.weights));
    initializers.push(floatInitializer(`${prefix}/bias`, [layer.outSize], layer.bias));
    nodes.push(
      onnx.NodeProto.create({
        name: `${prefix}/MatMul`,
        opType: 'MatMul',
        input: [x, `${prefix}/kernel`],
        output: [`${prefix}/matmul`],
      }),
      onnx.NodeProto.create({
        name: `${prefix}/Add`,
        opType: 'Add',
        input: [`${prefix}/matmul`, `${prefix}/bias`],
        output: [`${prefix}/logits`],
      }),
    );
    x = `${prefix}/logits`;
    if (layer.activation === 'relu') {
      nodes.push(
        onnx.NodeProto.create({ name: `${prefix}/Relu`, opType: 'Relu', input: [x], output: [`${prefix}/relu`] }),
      );
      x = `${prefix}/relu`;
    }
  });
  nodes.push(
    onnx.NodeProto.create({
      name: 'onsight_head/Softmax',
      opType: 'Softmax',
      input: [x],
      output: [PROBABILITIES_OUTPUT],
      // axis 1 of [N, classes] means the same in every opset (before 13, Softmax flattened from `axis` on).
      attribute: [onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 })],
    }),
  );
  return { nodes, initializers };
}

/** The exported model's spec: the backbone's preprocessing, the new labels, probabilities out. */
function trainedSpec(o: ExportTrainedModelOptions, provenance: TrainingProvenance): ModelSpec {
  const b = provenance.backbone;
  const counts = provenance.classes.map((c) => `${c.label} ${c.train + c.validation}`).join(', ');
  const accuracy = provenance.validation
    ? `validation accuracy ${provenance.validation.accuracy.toFixed(3)} on ${provenance.validation.count} photos`
    : 'no validation photos';
  return {
    format: SPEC_FORMAT_VERSION,
    id: o.id ?? idFromFileName(o.name),
    name: o.name,
    labels: [...o.labels],
    input: { ...o.backboneSpec.input, name: o.cut.inputName },
    output: { name: PROBABILITIES_OUTPUT, kind: 'probabilities' },
    source: {
      name: `trained in OnSight on ${b.name}`,
      license: b.license,
      notes:
        `${provenance.head} trained on ${b.name}'s ${b.featureSize} features (${b.featureNode}) on ` +
        `${provenance.date.slice(0, 10)} from photos per class: ${counts}; ${accuracy}. ` +
        `The backbone's licence (${b.license}) covers its weights.`,
    },
  };
}

/** Builds the exported model's bytes. Throws when the head does not fit the cut or the labels the head. */
export function exportTrainedModel(o: ExportTrainedModelOptions): ExportedModel {
  const { head } = o.training;
  if (o.cut.featureSize !== null && head.featureSize !== o.cut.featureSize) {
    throw new Error(`the head takes ${head.featureSize} features, the backbone gives ${o.cut.featureSize}`);
  }
  if (o.labels.length !== head.classCount) {
    throw new Error(`${o.labels.length} class names for a head with ${head.classCount} outputs`);
  }
  const provenance: TrainingProvenance = {
    format: 1,
    date: (o.date ?? new Date()).toISOString(),
    backbone: {
      id: o.backboneSpec.id,
      name: o.backboneSpec.name,
      license: o.backboneSpec.source?.license || 'NOASSERTION',
      featureTensor: o.cut.featureTensor,
      featureNode: o.cut.featureNode,
      featureSize: head.featureSize,
    },
    classes: o.labels.map((label, c) => ({
      label,
      train: o.photosPerClass.train[c] ?? 0,
      validation: o.photosPerClass.validation[c] ?? 0,
    })),
    validation: o.training.validation,
    head: describeHead(head),
    hyperParameters: { ...o.training.hyperParameters, flipAugmentation: o.flipAugmentation },
    epochs: { best: o.training.bestEpoch, run: o.training.history.length, stoppedEarly: o.training.stoppedEarly },
  };
  const spec = trainedSpec(o, provenance);

  const model = decodeModel(o.cut.bytes);
  const graph = model.graph as NonNullable<typeof model.graph>;
  const index = new GraphIndex(graph);
  const { nodes, initializers } = headGraph(head);
  for (const name of [...initializers.map((i) => i.name ?? ''), ...nodes.flatMap((n) => n.output ?? [])]) {
    if (index.producer.has(name) || index.initializers.has(name)) {
      throw new Error(`the backbone already has a tensor named "${name}"`);
    }
  }
  graph.node = [...(graph.node ?? []), ...nodes];
  graph.initializer = [...(graph.initializer ?? []), ...initializers];
  const batch = batchDimension(index);
  graph.output = [
    floatValueInfo(PROBABILITIES_OUTPUT, [batch, head.classCount]),
    floatValueInfo(FEATURES_OUTPUT, [batch, head.featureSize]),
  ];
  graph.name = spec.id;
  model.producerName = TRAINED_PRODUCER;
  model.producerVersion = '1';
  model.docString = spec.source?.notes ?? '';
  model.metadataProps = [
    [SPEC_METADATA_KEY, JSON.stringify(spec)],
    [TRAINING_METADATA_KEY, JSON.stringify(provenance)],
    ...(o.ood ? [[OOD_METADATA_KEY, JSON.stringify(oodStatsToJson(o.ood))]] : []),
  ].map(([key, value]) => onnx.StringStringEntryProto.create({ key, value }));
  return { bytes: encodeModel(model), spec, provenance };
}

/** What an exported model carries besides its spec (absent for models OnSight did not train). */
export interface TrainedModelExtras {
  training?: TrainingProvenance;
  ood?: OodStats;
}

/** Reads `onsight.training` and `onsight.ood` from a model's bytes without decoding its graph. */
export function readTrainedModelExtras(bytes: Uint8Array): TrainedModelExtras {
  const { metadata } = readOnnxMetadata(bytes);
  const extras: TrainedModelExtras = {};
  const training = metadata[TRAINING_METADATA_KEY];
  if (training) extras.training = JSON.parse(training) as TrainingProvenance;
  const ood = metadata[OOD_METADATA_KEY];
  if (ood) extras.ood = oodStatsFromJson(JSON.parse(ood));
  return extras;
}
