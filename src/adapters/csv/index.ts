// Public API of the csv adapter kind; see README.md.
export { csvKind, openCsvConnector } from './csv-kind.js';
export { csvSpecSchema, CSV_ENCODINGS, type CsvSpec, type CsvConnection, type CsvEncoding } from './csv-spec.js';
export { CsvConnector, NoExportError, type CsvConnectorOptions, type CsvLoadReport } from './csv-connector.js';
export type { LoadSummary, RejectedRow } from './csv-store.js';
