// The policy pack's entry point: `pulumi preview --policy-pack policy` runs this file. The rules
// live in policies.ts so that tests can run them without starting the pack's server.
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policyPackArgs } from "./policies";

new PolicyPack(POLICY_PACK_NAME, policyPackArgs);
