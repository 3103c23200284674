/**
 * One status line that rewrites itself on a terminal (and prints only when it changes, at most
 * every few seconds, when output goes to a file or pipe); other lines are printed above it.
 */
export type ProgressLine = {
    update(text: string): void;
    /** Prints a line above the status line. */
    log(line: string): void;
    /** Ends the status line, leaving its last text on screen. */
    done(): void;
};

export function createProgressLine(out: NodeJS.WriteStream, intervalMs = 2000): ProgressLine {
    let current = "";
    let lastPrinted = "";
    let lastPrintedAt = 0;
    return {
        update: (text) => {
            current = text;
            if (out.isTTY) {
                out.write(`\r\x1b[2K${text}`);
            } else if (text !== lastPrinted && Date.now() - lastPrintedAt >= intervalMs) {
                out.write(`${text}\n`);
                lastPrinted = text;
                lastPrintedAt = Date.now();
            }
        },
        log: (line) => {
            if (out.isTTY && current) out.write("\r\x1b[2K");
            out.write(`${line}\n`);
            if (out.isTTY && current) out.write(current);
        },
        done: () => {
            if (out.isTTY && current) out.write("\n");
            else if (current && current !== lastPrinted) out.write(`${current}\n`);
            current = "";
            lastPrinted = "";
        },
    };
}
