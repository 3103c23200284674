import { strict as assert } from "node:assert";
import { canonicalNumber } from "../../local/compare";

describe("canonicalNumber", () => {
    it("gives equal values one text however they are written", () => {
        assert.equal(canonicalNumber("1E-130"), canonicalNumber(`0.${"0".repeat(129)}1`));
        assert.equal(canonicalNumber("123.4500"), canonicalNumber("1.2345e2"));
        assert.equal(canonicalNumber("-0.05"), canonicalNumber("-5E-2"));
        assert.equal(canonicalNumber("0"), canonicalNumber("-0.000"));
        assert.equal(canonicalNumber("0012"), canonicalNumber("12"));
    });

    it("keeps different values apart, to the last of 38 digits", () => {
        assert.notEqual(
            canonicalNumber("12345678901234567890123456789012345678"),
            canonicalNumber("12345678901234567890123456789012345679"),
        );
        assert.notEqual(canonicalNumber("1"), canonicalNumber("-1"));
        assert.notEqual(canonicalNumber("10"), canonicalNumber("1"));
    });
});
