import Foundation
import Testing

/// Data flows one way, Scenario → Engine → Results → Export: no Results or Export source names a type the
/// engine declares for its own use (`@_spi(Engine)`).
@Suite struct LayeringTests {
  static let library = repositoryRoot.appendingPathComponent("Sources/ReserveSim")

  static func sources(in folder: String) throws -> [(name: String, text: String)] {
    let url = library.appendingPathComponent(folder)
    return try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".swift") }.map {
      ($0, try String(contentsOf: url.appendingPathComponent($0), encoding: .utf8))
    }
  }

  @Test func resultsAndExportNameNoEngineType() throws {
    let declaration = try Regex(#"@_spi\(Engine\)\s+public\s+(?:final\s+)?(?:struct|class|enum|protocol)\s+(\w+)"#)
    let engineTypes = try Self.sources(in: "Engine").flatMap { file in
      file.text.matches(of: declaration).map { String($0.output[1].substring!) }
    }
    #expect(engineTypes.contains("BlockOutput") && engineTypes.contains("PathBlockKernel"))
    for folder in ["Results", "Export"] {
      for file in try Self.sources(in: folder) {
        for type in engineTypes {
          #expect(file.text.firstMatch(of: try Regex("\\b\(type)\\b")) == nil, "\(folder)/\(file.name) names \(type)")
        }
      }
    }
  }
}
