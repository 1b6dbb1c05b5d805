/** Shared by scripts/record-clip.ts and scripts/record-deck.ts: a recording handed back by the page, written to a file and read back. */
import { writeFileSync } from 'node:fs';
import { ALL_FORMATS, BufferSource, Input } from 'mediabunny';

/** What the page's record() resolves with (app/playground-handle.ts, app/deck-handle.ts). */
export interface PageRecording {
  readonly base64: string;
  readonly fileName: string;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly encoding: { readonly note: string | null };
}

/**
 * Writes the recording to `out`, prints its frames, size and bytes, the wall time since `startedMs`,
 * and for MP4 / WebM what mediabunny reads back: container, codec, coded size, frames, frame rate, duration.
 */
export async function writeAndReadBack(r: PageRecording, out: string, format: string, startedMs: number): Promise<void> {
  const bytes = Buffer.from(r.base64, 'base64');
  writeFileSync(out, bytes);
  console.log(`${out} (${r.fileName}): ${r.frames} frames, ${r.width} x ${r.height}, ${bytes.length} bytes, ${((Date.now() - startedMs) / 1000).toFixed(1)} s${r.encoding.note ? `; ${r.encoding.note}` : ''}`);
  if (format !== 'mp4' && format !== 'webm') return;
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
  const track = await input.getPrimaryVideoTrack();
  const stats = await track?.computePacketStats();
  console.log(`mediabunny: ${(await input.getFormat()).name}, ${track?.codec} ${await track?.getCodecParameterString()}, ${track?.codedWidth} x ${track?.codedHeight}, ${stats?.packetCount} packets, ${stats?.averagePacketRate.toFixed(2)} fps, ${(await input.computeDuration()).toFixed(3)} s`);
}
