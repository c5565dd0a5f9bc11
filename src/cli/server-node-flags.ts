/**
 * The Node flags every Huitong server process runs with: `npm start` passes them (package.json), the
 * image's entry point too (deploy/Dockerfile), `huitong cluster` gives them to each process it starts,
 * and the benchmarks to every target alike. A test keeps the three spellings equal.
 *
 * `--max-semi-space-size=32` doubles V8's young generation (16 MB semi-spaces by default): a gateway
 * request allocates megabytes of objects that live only until its response is written, and with the
 * default size a scavenge comes every few requests and promotes what is in flight to the old
 * generation, which then has to be collected again.
 *
 * @example
 * spawn(process.execPath, [...SERVER_NODE_FLAGS, 'bin/huitong.js', 'subgraph', 'market']);
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
