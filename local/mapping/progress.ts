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
