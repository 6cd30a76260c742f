/** Asks the browser for a WebGPU adapter; backend-choice judges whether `auto` may use it. */
import { errorMessage } from '../error-message';
import { type GpuAdapterLike, judgeGpuAdapter } from './backend-choice';
import type { GpuProbe } from './protocol';

/** The parts of `navigator.gpu` used here (WebGPU types are not in TypeScript's DOM lib). */
interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}

export async function probeGpu(): Promise<GpuProbe> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { usable: false, reason: 'WebGPU is not available in this browser' };
  try {
    return judgeGpuAdapter(await gpu.requestAdapter());
  } catch (e) {
    return { usable: false, reason: `WebGPU adapter request failed: ${errorMessage(e)}` };
  }
}
