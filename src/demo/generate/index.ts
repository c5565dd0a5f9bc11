// Public API of the demo district generator; see ../README.md.
export { generateDemoDistrict, SCALE_1, type GenerateOptions } from './generate-demo-district.js';
export { writeMarket, type MarketWriteProgress } from './write-market.js';
export { writeHousing } from './write-housing.js';
export { writeHealthExport, HEALTH_EXPORT_COLUMNS, type HealthExportResult } from './write-health-export.js';
export { writeCatalogue } from './write-catalogue.js';
export { MARKET_STATUS_CODES } from './market.js';
export type {
  Catalogue,
  CatalogueDepartment,
  CatalogueDepartmentCode,
  DemoDepartmentCode,
  DemoDistrict,
  DisclosureItem,
  HealthApplicant,
  HealthPermit,
  HealthRowDefect,
  HousingPermit,
  HousingUnit,
  IdentifierCode,
  IdentifierNoise,
  IdentifierPresentation,
  MarketApplicant,
  MarketPermit,
  MarketStatusCode,
  PowerCategory,
  ServiceItem,
  TrueApplicant,
  TruthEntry,
} from './types.js';
