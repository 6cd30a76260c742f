/** What OnSight assumes about a model that does not say: preprocessing, and the size of an input of any size. */
import type { InputSpec } from './spec';

export const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];
/** Input side used when the model accepts any size and no source names one. */
export const DEFAULT_SIZE = 224;

/**
 * Preprocessing defaults for a model that says nothing: torchvision's ImageNet recipe (resize the shorter side to
 * 256, centre-crop 224, bilinear with antialiasing, RGB / 255, ImageNet mean/std), the most common convention.
 */
export const DEFAULT_INPUT: Readonly<
  Omit<InputSpec, 'name' | 'layout' | 'dtype' | 'width' | 'height' | 'padColor' | 'channels'>
> = Object.freeze({
  resize: 'crop',
  cropFraction: 0.875,
  resample: 'bilinear',
  alignCorners: false,
  antialias: true,
  channelOrder: 'rgb',
  scale: 1 / 255,
  mean: IMAGENET_MEAN,
  std: IMAGENET_STD,
});
