import Testing

@testable import Vigil

/// The report's charts label their y axis in round steps.
@Suite struct ChartAxisTests {
    @Test(arguments: [
        (37.0, 40.0), (0.9, 1.0), (1_234, 1_600), (4, 4), (100, 100), (7.3, 8), (0.013, 0.016), (250, 320),
    ])
    func theAxisTopGivesRoundTicks(data: Double, top: Double) {
        let rounded = SVGChart.roundedUp(data)
        #expect(abs(rounded - top) < top * 1e-9, "\(data) -> \(rounded)")
        #expect(rounded >= data)
    }
}
