import JSONSchema
import Testing
import Vigil

/// Amounts held exactly, written exactly, and shown as people read them.
@Suite struct DollarsTests {
    @Test func sumsAreExactWhereDoublesDrift() {
        // 0.1 + 0.2 != 0.3 in doubles; in picodollars it is.
        #expect(Dollars(usd: 0.1)! + Dollars(usd: 0.2)! == Dollars(usd: 0.3)!)
        var total = Dollars.zero
        for _ in 0..<7 { total += Dollars(usd: 0.0003)! }
        #expect(total == Dollars(usd: 0.0021)!)
        #expect(total.decimalText == "0.0021")
    }

    @Test func shownAsPeopleReadThem() {
        #expect(Dollars(usd: 25)!.description == "$25.00")
        #expect(Dollars(usd: 3.41)!.description == "$3.41")
        #expect(Dollars(usd: 0.45)!.description == "$0.45")
        #expect(Dollars(usd: 0.0021)!.description == "$0.0021")
        #expect(Dollars(usd: 0.000042)!.description == "$0.000042")
        #expect(Dollars.zero.description == "$0.00")
        #expect(Dollars(usd: 1234.5)!.decimalText == "1234.5")
    }

    @Test func aSpendReadsBackAsWritten() throws {
        let spend = Spend(
            charged: Dollars(usd: 0.00231)!, priced: Dollars(usd: 0.00225)!, reported: Dollars(usd: 0.00231)!)
        var writer = JSONWriter()
        writer.value(spend.json)
        #expect(writer.text == #"{"usd":0.00231,"priced_usd":0.00225,"reported_usd":0.00231}"#)
        #expect(Spend(json: try JSONParser().parse(writer.text)) == spend)
        #expect(Dollars(usd: .infinity) == nil)
    }
}
