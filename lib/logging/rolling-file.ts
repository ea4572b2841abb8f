/**
 * A log file that rolls: a new one each day and past a size, named <stem>.<yyyy-MM-dd>.<n>.log in
 * its folder (the local date, as an operator reads it), the oldest removed past a count. A process
 * that starts goes on appending to the day's newest file.
 *
 * Lines are written synchronously: a crash or process.exit never loses the lines that explain it,
 * and log volume (a line per page at most) is far below what that costs. It replaces pino-roll,
 * which loads all of date-fns for five functions: 2 MB of the heap of every process that logs, a
 * worker's activities' thread among them, whose old generation doubles what it holds.
 */
import { closeSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface RollingFileOptions {
  folder: string;
  /** The name's first part: worker, cli. */
  stem: string;
  /** A new file once the current one has reached this many bytes. */
  maxBytes: number;
  /** Files kept besides the current one; older ones are removed when a new file starts. */
  keep: number;
  /** The clock (tests). */
  now?: () => number;
}

interface LogFileName {
  name: string;
  day: string;
  number: number;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** The local date of `time` as yyyy-MM-dd. */
export function localDay(time: number): string {
  const date = new Date(time);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The first millisecond of the local day after the one `time` is in. */
function nextLocalMidnight(time: number): number {
  const date = new Date(time);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
}

export class RollingFile {
  private fd: number;
  private day: string;
  private number: number;
  private bytes: number;
  private dayEndsAt: number;
  private readonly now: () => number;

  constructor(private readonly options: RollingFileOptions) {
    this.now = options.now ?? Date.now;
    mkdirSync(options.folder, { recursive: true });
    const time = this.now();
    this.day = localDay(time);
    this.dayEndsAt = nextLocalMidnight(time);
    this.number = Math.max(1, ...this.files().flatMap((file) => (file.day === this.day ? [file.number] : [])));
    this.fd = openSync(this.path(), 'a');
    this.bytes = statSync(this.path()).size;
  }

  /** The file lines go to now. */
  path(): string {
    return join(this.options.folder, `${this.options.stem}.${this.day}.${this.number}.log`);
  }

  write(chunk: string): void {
    const time = this.now();
    if (time >= this.dayEndsAt) {
      this.day = localDay(time);
      this.dayEndsAt = nextLocalMidnight(time);
      this.number = 0;
      this.roll();
    }
    this.bytes += writeSync(this.fd, chunk);
    if (this.bytes >= this.options.maxBytes) this.roll();
  }

  close(): void {
    closeSync(this.fd);
  }

  /** The next file of the day, and the oldest beyond `keep` removed. */
  private roll(): void {
    closeSync(this.fd);
    this.number += 1;
    this.fd = openSync(this.path(), 'a');
    this.bytes = statSync(this.path()).size;
    const files = this.files().sort((a, b) => a.day.localeCompare(b.day) || a.number - b.number);
    for (const file of files.slice(0, Math.max(0, files.length - 1 - this.options.keep))) {
      try {
        unlinkSync(join(this.options.folder, file.name));
      } catch {
        // Removed meanwhile (another process of the same kind rolled too): nothing to do.
      }
    }
  }

  /** The folder's files of this stem. */
  private files(): LogFileName[] {
    const pattern = new RegExp(
      `^${this.options.stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d{4}-\\d{2}-\\d{2})\\.(\\d+)\\.log$`,
    );
    return readdirSync(this.options.folder).flatMap((name) => {
      const match = pattern.exec(name);
      return match ? [{ name, day: match[1], number: Number(match[2]) }] : [];
    });
  }
}
