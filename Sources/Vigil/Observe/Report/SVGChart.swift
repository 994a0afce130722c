import Foundation

/// A chart drawn as inline SVG, with a title, labelled axes with units, and a legend: the
/// report needs no script and no network to show it. Series are downsampled by the caller
/// (`Downsample`), so a chart stays a few kilobytes however long the run.
struct SVGChart {
    /// One line (or set of bars) on the chart.
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        /// A CSS colour.
        var color: String
        /// Drawn as bars from zero rather than a line.
        var bars = false
        var dashed = false
    }

    /// A horizontal line across the chart (a threshold, a budget).
    struct Rule {
        var y: Double
        var label: String
        var color: String
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    var rules: [Rule] = []
    /// Fixed bounds of the y axis (nil: from the data, from zero).
    var yRange: ClosedRange<Double>?
    /// How x values are written on the axis.
    var xFormat: (Double) -> String = { SVGChart.number($0) }
    var yFormat: (Double) -> String = { SVGChart.number($0) }
    /// The x axis runs between round ticks (`xAxis`); false: from the data's least to its
    /// greatest x, in four equal steps (a log scale, whose ticks are placed by its format).
    var roundX = true
    /// The chart's id in the page (tests find every chart by it).
    var id: String

    static let width = 640.0
    static let height = 240.0
    static let left = 64.0, right = 16.0, top = 34.0, bottom = 44.0

    /// The top of an axis from zero to at least `value`, such that its four tick steps are
    /// round numbers (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten): ticks read 0, 10,
    /// 20, 30, 40, not 0, 9.25, 18.5.
    static func roundedUp(_ value: Double) -> Double {
        let step = value / 4
        let power = pow(10, (log10(step)).rounded(.down))
        let nice = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].first { $0 * power >= step * (1 - 1e-12) } ?? 10
        return nice * power * 4
    }

    /// An x axis over `low...high` whose ticks are round (1, 2, 2.5 or 5 times a power of ten
    /// apart, at most six of them): time ticks read 0, 1, 2, 3 s, not 0.05, 1.22, 2.39. The
    /// domain is widened to the ticks around the data.
    static func xAxis(_ low: Double, _ high: Double) -> (domain: ClosedRange<Double>, ticks: [Double]) {
        let span = max(high - low, 1e-9)
        let least = span / 5
        let power = pow(10, log10(least).rounded(.down))
        let step = ([1, 2, 2.5, 5, 10].first { $0 * power >= least * (1 - 1e-12) } ?? 10) * power
        let first = (low / step + 1e-9).rounded(.down) * step
        var last = (high / step - 1e-9).rounded(.up) * step
        if last <= first { last = first + step }
        let count = Int(((last - first) / step).rounded())
        return (first...last, (0...count).map { first + Double($0) * step })
    }

    /// The `<figure>` holding the SVG.
    var html: String {
        let all = series.flatMap(\.points)
        let xs = all.map(\.x)
        var minX = xs.min() ?? 0
        var maxX = xs.max() ?? 1
        if maxX <= minX { maxX = minX + 1 }
        var xTicks = (0...4).map { minX + (maxX - minX) * Double($0) / 4 }
        if roundX {
            let axis = Self.xAxis(minX, maxX)
            (minX, maxX, xTicks) = (axis.domain.lowerBound, axis.domain.upperBound, axis.ticks)
        }
        // All-zero data (nothing in flight at any sample) still gets an axis of 0 to 1.
        let highest = max(all.map(\.y).max() ?? 1, rules.map(\.y).max() ?? 0)
        var range = yRange ?? 0...(highest > 0 ? Self.roundedUp(highest) : 1)
        if range.upperBound <= range.lowerBound { range = range.lowerBound...(range.lowerBound + 1) }
        let plotWidth = Self.width - Self.left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        func px(_ x: Double) -> Double { Self.left + (x - minX) / (maxX - minX) * plotWidth }
        func py(_ y: Double) -> Double {
            Self.top + plotHeight - (min(max(y, range.lowerBound), range.upperBound) - range.lowerBound)
                / (range.upperBound - range.lowerBound) * plotHeight
        }
        var svg =
            #"<svg viewBox="0 0 \#(Int(Self.width)) \#(Int(Self.height))" role="img" aria-labelledby="\#(id)-title">"#
        svg += #"<title id="\#(id)-title">\#(escape(title))</title>"#
        svg += #"<text x="\#(Self.left)" y="18" class="chart-title">\#(escape(title))</text>"#
        // Axes, ticks and grid.
        for step in 0...4 {
            let value = range.lowerBound + (range.upperBound - range.lowerBound) * Double(step) / 4
            let y = py(value)
            svg +=
                #"<line x1="\#(Self.left)" x2="\#(Self.width - Self.right)" y1="\#(f(y))" y2="\#(f(y))" class="grid"/>"#
            svg +=
                #"<text x="\#(Self.left - 6)" y="\#(f(y + 4))" class="tick" text-anchor="end">\#(escape(yFormat(value)))</text>"#
        }
        for (index, value) in xTicks.enumerated() {
            let anchor = index == 0 ? "start" : index == xTicks.count - 1 ? "end" : "middle"
            svg +=
                #"<text x="\#(f(px(value)))" y="\#(f(Self.height - Self.bottom + 16))" class="tick" text-anchor="\#(anchor)">\#(escape(xFormat(value)))</text>"#
        }
        svg +=
            #"<line x1="\#(Self.left)" x2="\#(Self.left)" y1="\#(Self.top)" y2="\#(Self.height - Self.bottom)" class="axis"/>"#
        svg +=
            #"<line x1="\#(Self.left)" x2="\#(Self.width - Self.right)" y1="\#(Self.height - Self.bottom)" y2="\#(Self.height - Self.bottom)" class="axis"/>"#
        svg +=
            #"<text x="\#(f(Self.left + plotWidth / 2))" y="\#(Self.height - 6)" class="label" text-anchor="middle">\#(escape(xLabel))</text>"#
        svg +=
            #"<text transform="translate(14 \#(f(Self.top + plotHeight / 2))) rotate(-90)" class="label" text-anchor="middle">\#(escape(yLabel))</text>"#
        for series in series where !series.points.isEmpty {
            if series.bars {
                let barWidth = max(1, plotWidth / Double(max(series.points.count, 1)) * 0.8)
                for point in series.points {
                    let y = py(point.y)
                    svg +=
                        #"<rect x="\#(f(px(point.x) - barWidth / 2))" y="\#(f(y))" width="\#(f(barWidth))" height="\#(f(max(0, Self.top + plotHeight - y)))" fill="\#(series.color)"><title>\#(escape(xFormat(point.x))): \#(escape(yFormat(point.y)))</title></rect>"#
                }
            } else {
                let path = series.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                svg +=
                    #"<polyline points="\#(path)" fill="none" stroke="\#(series.color)" stroke-width="2"\#(series.dashed ? #" stroke-dasharray="5 3""# : "")/>"#
            }
        }
        // Rules at the same height share one label.
        var merged: [Rule] = []
        for rule in rules {
            if let index = merged.firstIndex(where: { $0.y == rule.y }) {
                merged[index].label += " · " + rule.label
            } else {
                merged.append(rule)
            }
        }
        for rule in merged {
            let y = py(rule.y)
            svg +=
                #"<line x1="\#(Self.left)" x2="\#(Self.width - Self.right)" y1="\#(f(y))" y2="\#(f(y))" stroke="\#(rule.color)" stroke-dasharray="6 4" stroke-width="1.5"/>"#
            svg +=
                #"<text x="\#(Self.width - Self.right - 4)" y="\#(f(y - 4))" class="rule" text-anchor="end" fill="\#(rule.color)">\#(escape(rule.label))</text>"#
        }
        svg += "</svg>"
        let legend =
            series.map { #"<span class="key"><i style="background:\#($0.color)"></i>\#(escape($0.name))</span>"# }
            .joined()
            + rules.map {
                #"<span class="key"><i class="dash" style="border-color:\#($0.color)"></i>\#(escape($0.label))</span>"#
            }.joined()
        return #"<figure class="chart" id="\#(id)">\#(svg)<figcaption>\#(legend)</figcaption></figure>"#
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A time axis's unit for a run of `span` seconds: seconds, minutes or hours.
    static func timeUnit(span: Double) -> (name: String, seconds: Double) {
        span < 180 ? ("s", 1) : span < 3 * 3600 ? ("min", 60) : ("h", 3600)
    }

    /// `1.2k`, `35`, `0.25`.
    static func number(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return String(format: "%.1fM", value / 1_000_000) }
        if magnitude >= 10_000 { return String(format: "%.0fk", value / 1000) }
        if magnitude >= 1000 { return String(format: "%.1fk", value / 1000) }
        if magnitude >= 10 || value == value.rounded() { return String(format: "%.0f", value) }
        return String(format: "%.2f", value)
    }
}

/// Text made safe for HTML (and SVG) content and attributes.
func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(character)
        }
    }
    return out
}

/// Reduces a series to at most `limit` points, keeping its shape: the points are bucketed
/// and each bucket keeps its first point, and its lowest and highest where they differ.
enum Downsample {
    static func series(_ points: [(x: Double, y: Double)], limit: Int = 400) -> [(x: Double, y: Double)] {
        guard points.count > limit, limit >= 3 else { return points }
        let buckets = limit / 3
        let size = Double(points.count) / Double(buckets)
        var out: [(x: Double, y: Double)] = []
        out.reserveCapacity(limit)
        for bucket in 0..<buckets {
            let start = Int(Double(bucket) * size)
            let end = min(points.count, Int(Double(bucket + 1) * size))
            guard start < end else { continue }
            let slice = points[start..<end]
            var low = slice.first!
            var high = slice.first!
            for point in slice {
                if point.y < low.y { low = point }
                if point.y > high.y { high = point }
            }
            var kept = [slice.first!]
            for extra in [low, high] where !kept.contains(where: { $0.x == extra.x && $0.y == extra.y }) {
                kept.append(extra)
            }
            out += kept.sorted { $0.x < $1.x }
        }
        if let last = points.last, out.last?.x != last.x { out.append(last) }
        return out
    }
}
