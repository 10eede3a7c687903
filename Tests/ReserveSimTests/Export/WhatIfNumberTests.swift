import XCTest

@testable import ReserveSimExport

/// Parameter values in the what-if tables read as written, never in exponent form.
final class WhatIfNumberTests: XCTestCase {
  func testValuesAsPeopleWriteThem() {
    XCTAssertEqual(WhatIfText.number(760_300.4), "760.3k")
    XCTAssertEqual(WhatIfText.number(608_240.32), "608.2k")
    XCTAssertEqual(WhatIfText.number(-1_234_567.8), "−1.235M")
    XCTAssertEqual(WhatIfText.number(150_000), "150k")
    XCTAssertEqual(WhatIfText.number(1_440_000), "1.44M")
    XCTAssertEqual(WhatIfText.number(0.2828), "0.2828")
    XCTAssertEqual(WhatIfText.number(6), "6")
    XCTAssertEqual(WhatIfText.number(1_234.56), "1235")
    XCTAssertEqual(WhatIfText.number(9_999.5), "10k")
  }
}
