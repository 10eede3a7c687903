// ReserveSim's public API, one import for library users: `import ReserveSim`.
//
// The library is built in layers, one module each, and data flows one way:
//   ReserveSimScenario  file types, validation with precise messages, composition, typed parameter addresses
//   ReserveSimEngine    random streams, path blocks, BLAS, the parallel driver
//   ReserveSimResults   summaries, quantiles, intervals, assertion checks
//   ReserveSimAnalysis  compare, sweep, sensitivity and the run pipeline: evaluators over a compiled scenario
//   ReserveSimExport    JSON, CSV, notebook, HTML/SVG: each a pure function of a result
// A layer imports only the layers before it; what layers share beyond the API is `package`, not public.
@_exported import ReserveSimAnalysis
@_exported import ReserveSimEngine
@_exported import ReserveSimExport
@_exported import ReserveSimResults
@_exported import ReserveSimScenario
