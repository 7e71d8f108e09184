// Float tensors in the graph's dtype: fp16 travels as raw bits (Node 20 has no Float16Array).
import * as ort from 'onnxruntime-node';
import { f16BitsToF32, f32ToF16 } from '../util/float16';

export function floatTensor(dtype: 'float32' | 'float16', data: Float32Array, dims: readonly number[]): ort.Tensor {
  return dtype === 'float16' ? new ort.Tensor('float16', f32ToF16(data), dims) : new ort.Tensor('float32', data, dims);
}

export function tensorToFloat32(t: ort.Tensor): Float32Array {
  return t.type === 'float16' ? f16BitsToF32(t.data as Uint16Array) : (t.data as Float32Array);
}
