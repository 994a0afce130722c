import JSONSchema
import Testing
import Vigil

@Suite struct AnswerJSONTests {
    @Test(arguments: [
        (#"{"a": 1}"#, #"{"a":1}"#),
        ("Sure! Here it is:\n```json\n{\"a\": 1}\n```\nAnything else?", #"{"a":1}"#),
        ("```\n{\"a\": [1, 2]}\n```", #"{"a":[1,2]}"#),
        (#"The record is {"a": "x}y", "b": {"c": 2}} as requested."#, #"{"a":"x}y","b":{"c":2}}"#),
        ("  \n[1, 2]\n", "[1,2]"),
    ])
    func findsTheJSONInAnAnswer(answer: String, expected: String) {
        #expect(AnswerJSON.extract(answer)?.jsonText() == expected)
    }

    @Test func prosewithoutJSONHasNone() {
        #expect(AnswerJSON.extract("I can only describe this label in words.") == nil)
        #expect(AnswerJSON.extract("{not json}") == nil)
    }
}
