import type { MappingProgress } from "./event-source-mapping";

/** `changes seen 1,204 · delivered 1,203 · failed 1 · batches 37 · iterator age 0.4 s` */
export function formatProgress(progress: MappingProgress): string {
    const count = (value: number) => value.toLocaleString("en-US");
    return (
        `changes seen ${count(progress.seen)} · delivered ${count(progress.delivered)} · ` +
        `failed ${count(progress.failed)} · ${progress.filtered > 0 ? `filtered out ${count(progress.filtered)} · ` : ""}` +
        `batches ${count(progress.batches)} · ` +
        `iterator age ${(progress.iteratorAgeMs / 1000).toFixed(1)} s`
    );
}

/**
 * One status line that rewrites itself on a terminal (and prints only when it changes, at most
 * every few seconds, when output goes to a file or pipe); other lines are printed above it.
 */
export class ProgressLine {
    private current = "";
    private lastPrinted = "";
    private lastPrintedAt = 0;

    public constructor(private readonly out: NodeJS.WriteStream) {}

    public update(text: string): void {
        this.current = text;
        if (this.out.isTTY) {
            this.out.write(`\r\x1b[2K${text}`);
        } else if (text !== this.lastPrinted && Date.now() - this.lastPrintedAt >= 2000) {
            this.out.write(`${text}\n`);
            this.lastPrinted = text;
            this.lastPrintedAt = Date.now();
        }
    }

    /** Prints a line above the status line. */
    public log(line: string): void {
        if (this.out.isTTY && this.current) this.out.write("\r\x1b[2K");
        this.out.write(`${line}\n`);
        if (this.out.isTTY && this.current) this.out.write(this.current);
    }

    /** Ends the status line, leaving its last text on screen. */
    public done(): void {
        if (this.out.isTTY && this.current) this.out.write("\n");
        else if (this.current && this.current !== this.lastPrinted) this.out.write(`${this.current}\n`);
        this.current = "";
        this.lastPrinted = "";
    }
}
