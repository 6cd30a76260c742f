/**
 * Make your own classifier on the device (#16): the pure core. Cut a loaded model at its pooled features, embed
 * photos through the cut, split, train a head, judge "unlike the training photos", export one ONNX file.
 * See README.md beside this file. No DOM, no Node API: all of it runs in a worker.
 */
export { type BackboneCut, type CutOptions, cutBackbone, FEATURES_OUTPUT, NoFeaturePointError } from './backbone-cut';
export { embedPixels, mirrorPixels, stackEmbeddings } from './embed';
export {
  describeHead,
  type ExportedModel,
  type ExportTrainedModelOptions,
  exportTrainedModel,
  OOD_METADATA_KEY,
  PROBABILITIES_OUTPUT,
  readTrainedModelExtras,
  TRAINED_PRODUCER,
  TRAINING_METADATA_KEY,
  type TrainedModelExtras,
  type TrainingProvenance,
} from './export-model';
export type { FeatureTap } from './feature-taps';
export {
  type DenseLayer,
  type Embeddings,
  type Evaluation,
  evaluateHead,
  type LabelledEmbeddings,
  predictHead,
  type Standardization,
  type TrainedHead,
} from './head-model';
export {
  DEFAULT_HYPERPARAMETERS,
  type EpochReport,
  type HeadHyperParameters,
  type HeadTrainingOptions,
  type TrainingResult,
  trainHead,
} from './head-trainer';
export {
  folderProblem,
  groupByClass,
  type LabelledClass,
  type LabelledFolder,
  MIN_PHOTOS_PER_CLASS,
} from './labelled-folder';
export {
  computeOodStats,
  DEFAULT_OOD_PERCENTILE,
  judgeFeatures,
  type OodJudgement,
  type OodStats,
  type OodStatsJson,
  oodStatsFromJson,
  oodStatsToJson,
  type SubspaceOodStats,
} from './ood';
export {
  countPerClass,
  type DataSplit,
  DEFAULT_VALIDATION_FRACTION,
  type SplitOptions,
  splitByClass,
  withMirroredTrainRows,
} from './split';
export {
  type ClassReport,
  type EmbedResult,
  runTraining,
  TrainingInputError,
  type TrainingProgress,
  type TrainingRunOptions,
  type TrainingRunOutput,
  type TrainingSummary,
} from './training-run';
