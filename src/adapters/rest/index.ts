export { createRestKind, restKind, type RestKindOptions } from './rest-kind.js';
export { RestConnector, type RestConnectorOptions } from './rest-connector.js';
export { RestClient, restClientFor, RestSettingError, type RestClientSettings } from './rest-client.js';
export { RestApiError } from './endpoint-reader.js';
export { inspectRestSpec } from './rest-inspect.js';
export { compilePath, isPlainPath, type PathOptions, type PathReader } from './json-path.js';
export { restSpec, type RestSpec } from './rest-spec.js';
