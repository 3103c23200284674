import { jsonBody, type RequiredAuthorization, type ServiceRequest } from "./mapped-request";

/**
 * The IAM authorization a Step Functions request needs, as AWS documents it: the action is the
 * operation in `X-Amz-Target` (`AWSStepFunctions.StartExecution` → `states:StartExecution`), the
 * resource the ARN its body names, the one the reference scopes the action to: a map run
 * (`mapRunArn`) before an execution (`executionArn`) before a state machine (`stateMachineArn`),
 * so `ListMapRuns` is on the execution and `ListExecutions` on the state machine. No condition
 * keys: `states:StateMachineQualifier` is for versions and aliases, which the program does not
 * declare.
 */
export function statesAuthorizations(request: ServiceRequest): RequiredAuthorization[] {
    const target = String(request.headers["x-amz-target"] ?? "");
    const action = `states:${target.slice(target.indexOf(".") + 1)}`;
    const body = jsonBody(request);
    const arn = [body.mapRunArn, body.executionArn, body.stateMachineArn].find(
        (value): value is string => typeof value === "string",
    );
    return [{ action, arn: arn ?? "*", context: {} }];
}
