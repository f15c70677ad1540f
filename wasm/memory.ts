// Static regions shared by every algorithm. The module never allocates (runtime stub): JS copies
// input into INPUT, keeps each hasher's state in CTX while it runs, and reads results from OUT.
// One INPUT/CTX suffices because JS is single-threaded and every call runs to completion.

/** Bytes JS may copy in per call: large, so a 1 MiB update costs one JS↔wasm crossing. */
export const INPUT_SIZE: i32 = 1 << 20;
export const INPUT: usize = memory.data(INPUT_SIZE, 64);

/** State of the hasher or chunker currently running; JS saves and restores it when they interleave. */
export const CTX_SIZE: i32 = 128;
export const CTX: usize = memory.data(CTX_SIZE, 64);

/** Digests, big-endian, as they appear on the wire. */
export const OUT: usize = memory.data(32, 16);
