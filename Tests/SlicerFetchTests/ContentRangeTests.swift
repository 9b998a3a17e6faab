import Testing

@testable import SlicerFetch

@Suite struct ContentRangeTests {
  @Test func partialAnswer() {
    let range = ContentRange("bytes 1000-4999/5000")
    #expect(range?.first == 1000)
    #expect(range?.last == 4999)
    #expect(range?.completeLength == 5000)
  }

  @Test func unknownCompleteLength() {
    let range = ContentRange(" bytes 0-9/* ")
    #expect(range?.first == 0)
    #expect(range?.last == 9)
    #expect(range?.completeLength == nil)
  }

  @Test func unsatisfiedRangeCarriesOnlyTheLength() {
    let range = ContentRange("bytes */5000")
    #expect(range?.first == nil)
    #expect(range?.completeLength == 5000)
  }

  @Test(arguments: [
    "", "bytes", "items 0-9/10", "bytes 0-9", "bytes 9-0/10", "bytes 0-10/10", "bytes -1-9/10",
    "bytes */*", "bytes a-9/10", "bytes 0-9/10/11", "bytes 0-99999999999999999999/1",
  ])
  func malformedIsRejected(_ value: String) {
    #expect(ContentRange(value) == nil)
  }
}
