/** What a long-running job has done so far. */
export type JobProgress = {
    readonly done: number;
    /** The expected total, when known (DynamoDB's ItemCount is refreshed about every six hours). */
    readonly total: number | undefined;
    readonly elapsedMs: number;
};

/**
 * `[██████████░░░░░░░░░░]  52% 5,200/10,000 items · 1,234 items/s · ETA 4 s`. Pure.
 */
export function formatProgressBar(progress: JobProgress, unit = "items", width = 20): string {
    const count = (value: number) => Math.round(value).toLocaleString("en-US");
    const rate = progress.elapsedMs > 0 ? (progress.done / progress.elapsedMs) * 1000 : 0;
    const rateText = `${count(rate)} ${unit}/s`;
    if (progress.total === undefined || progress.total <= 0) {
        return `${count(progress.done)} ${unit} · ${rateText}`;
    }
    const fraction = Math.min(1, progress.done / progress.total);
    const filled = Math.round(fraction * width);
    const remaining = Math.max(0, progress.total - progress.done);
    const eta = rate > 0 ? `ETA ${formatDuration((remaining / rate) * 1000)}` : "ETA –";
    return (
        `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ` +
        `${count(progress.done)}/${count(progress.total)} ${unit} · ${rateText} · ${eta}`
    );
}

/** `850 ms`, `12 s`, `3 min 20 s`, `1 h 05 min`. */
export function formatDuration(ms: number): string {
    if (ms < 1000) return `${Math.round(ms)} ms`;
    const seconds = Math.round(ms / 1000);
    if (seconds < 60) return `${seconds} s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
    return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}
