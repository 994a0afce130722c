import Testing

@testable import Vigil

/// The report's charts label their axes in round steps.
@Suite struct ChartAxisTests {
    @Test(arguments: [
        (37.0, 40.0), (0.9, 1.0), (1_234, 1_600), (4, 4), (100, 100), (7.3, 8), (0.013, 0.016), (250, 320),
    ])
    func theAxisTopGivesRoundTicks(data: Double, top: Double) {
        let rounded = SVGChart.roundedUp(data)
        #expect(abs(rounded - top) < top * 1e-9, "\(data) -> \(rounded)")
        #expect(rounded >= data)
    }

    /// Time axes: the spans the issue saw (0.05 to 4.74 s, 0.23 to 6.10 s) and others.
    @Test(arguments: [
        (0.05, 4.74, [0.0, 1, 2, 3, 4, 5]), (0.23, 6.10, [0.0, 2, 4, 6, 8]), (0, 100, [0.0, 20, 40, 60, 80, 100]),
        (12.5, 13.1, [12.4, 12.6, 12.8, 13.0, 13.2]), (1, 2, [1.0, 1.2, 1.4, 1.6, 1.8, 2.0]),
    ])
    func theXAxisHasRoundTicksAroundTheData(low: Double, high: Double, ticks: [Double]) {
        let axis = SVGChart.xAxis(low, high)
        #expect(
            axis.ticks.count == ticks.count && zip(axis.ticks, ticks).allSatisfy { abs($0 - $1) < 1e-9 },
            "\(axis.ticks)")
        #expect(axis.domain.lowerBound <= low && axis.domain.upperBound >= high)
        #expect(axis.ticks.count <= 7)
    }
}
