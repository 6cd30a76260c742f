/** One ranked class from a model's output: the vision layer's result type, which the layers above it pass on. */
export interface Prediction {
  /** Index of the class in the model's output (after dropping a background class). */
  index: number;
  label: string;
  /** Probability 0..1. */
  score: number;
}
