import Foundation
import Testing
import SlicerTestSupport

@Test func fixturesArePresent() {
  #expect(FileManager.default.fileExists(atPath: Fixtures.url("tiny-opt/config.json").path))
}
