/** Types for pino-roll 4 (the package ships none): the options this project uses. */
declare module 'pino-roll' {
  import type SonicBoom from 'sonic-boom';

  interface PinoRollOptions {
    file: string | (() => string);
    /** '10m', '512k', or a number of megabytes. */
    size?: string | number;
    /** 'daily', 'hourly', or milliseconds. */
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    dateFormat?: string;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    symlink?: boolean;
    mkdir?: boolean;
    sync?: boolean;
  }

  function pinoRoll(options: PinoRollOptions): Promise<SonicBoom>;
  export = pinoRoll;
}
