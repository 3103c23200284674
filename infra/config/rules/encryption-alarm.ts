import { checkText, type Check } from "./check";
import { KMS_KEY_ARN_PATTERN } from "../values";

/** The stack's region: alarms and the dashboard name it, and a KMS key must live there. "" (reported) when unset. */
export function checkRegion(check: Check): string {
    const region = check.context.region?.trim() ?? "";
    if (region === "") {
        check.report(
            `aws:region is not set; allowed: the AWS region to deploy to (e.g. pulumi config set aws:region us-east-1).`,
        );
    }
    return region;
}

/** A KMS key in the stack's region, or "" for AWS-managed encryption. */
export function checkKmsKey(check: Check, region: string): string {
    const kmsKeyArn = checkText(check, "kmsKeyArn");
    const keyRegion = KMS_KEY_ARN_PATTERN.exec(kmsKeyArn)?.[1];
    if (keyRegion !== undefined && region !== "" && keyRegion !== region) {
        check.report(
            `${check.name("kmsKeyArn")} is a key in ${keyRegion}; allowed: a key in the stack's region ` +
                `${region} (aws:region): S3, DynamoDB, CloudWatch Logs and SNS only use keys in their own region.`,
        );
    }
    return kmsKeyArn;
}

/** The on-call's email address, or "" for no subscription. */
export function checkAlarmEmail(check: Check): string {
    return checkText(check, "alarmEmail");
}
