import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { FUNCTION_RUNTIME } from "../../infra/lambda-runtime";
import { PROJECT_ROOT } from "../../local/program";

/** The parts of a GitHub Actions workflow these tests read. */
type Step = { name?: string; if?: string; uses?: string; run?: string; with?: Record<string, unknown> };
type Concurrency = { group: string; "cancel-in-progress": boolean };
type Job = {
    name?: string;
    needs?: string | string[];
    if?: string;
    env?: Record<string, string>;
    environment?: string | { name: string };
    concurrency?: Concurrency;
    permissions?: Record<string, string> | string;
    strategy?: { matrix?: Record<string, unknown>; "fail-fast"?: boolean };
    steps: Step[];
};
type Workflow = {
    on: Record<string, unknown>;
    permissions?: Record<string, string> | string;
    concurrency?: Concurrency;
    jobs: Record<string, Job>;
};

const WORKFLOWS = path.join(PROJECT_ROOT, ".github", "workflows");

function workflow(file: string): Workflow {
    return parseYaml(fs.readFileSync(path.join(WORKFLOWS, file), "utf8")) as Workflow;
}

function job(flow: Workflow, id: string): Job {
    const found = flow.jobs[id];
    assert.ok(found, `the workflow has no job ${id}; it has ${Object.keys(flow.jobs).join(", ")}`);
    return found;
}

/** The index of the one step that uses an action (by its name, without the version) or runs a command. */
function stepIndex(target: Job, match: { uses?: string; run?: RegExp }): number {
    const indexes = target.steps
        .map((step, index) => ({ step, index }))
        .filter(({ step }) =>
            match.uses
                ? step.uses?.split("@")[0] === match.uses
                : match.run
                  ? match.run.test(step.run ?? "")
                  : false,
        )
        .map(({ index }) => index);
    assert.equal(
        indexes.length,
        1,
        `expected one step matching ${JSON.stringify(match.uses ?? String(match.run))}`,
    );
    return indexes[0]!;
}

function step(target: Job, uses: string): Step {
    return target.steps[stepIndex(target, { uses })]!;
}

/** The stacks with a config file in stacks/. */
function stacks(): string[] {
    return fs
        .readdirSync(path.join(PROJECT_ROOT, "stacks"))
        .map((name) => /^Pulumi\.(.+)\.yaml$/.exec(name)?.[1])
        .filter((name): name is string => name !== undefined)
        .sort();
}

const PACKAGE_SCRIPTS = (
    JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
    }
).scripts;

/** The checks every job that runs `npm test`'s parts must make, in order. */
function assertTestJob(target: Job): void {
    const order = [
        stepIndex(target, { uses: "actions/checkout" }),
        stepIndex(target, { uses: "actions/setup-node" }),
        stepIndex(target, { run: /^npm ci\b/ }),
        stepIndex(target, { run: /^npm run typecheck$/ }),
        stepIndex(target, { run: /^npm run lint$/ }),
        stepIndex(target, { run: /^npm run test:mocha$/ }),
    ];
    assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
        "checkout, setup, install, then type-check, lint, test",
    );
    assert.equal(
        String(step(target, "actions/setup-node").with?.["node-version"]),
        String(FUNCTION_RUNTIME.nodeMajor),
        "the Node.js the functions run on",
    );
    assert.ok(
        Number(step(target, "actions/setup-java").with?.["java-version"]) >= 17,
        "DynamoDB Local needs Java 17+",
    );
    for (const script of ["typecheck", "lint", "test:mocha"])
        assert.ok(PACKAGE_SCRIPTS[script], `npm run ${script} exists`);
}

/** The checks every job that runs Pulumi against AWS must make. */
function assertPulumiJob(
    target: Job,
    expected: { command: string; stack: string; roleVariable: string },
): Step {
    assert.deepEqual(target.permissions, {
        contents: "read",
        "id-token": "write",
        ...(expected.command === "preview" ? { "pull-requests": "write" } : {}),
    });
    const install = stepIndex(target, { run: /^npm ci\b/ });
    const pulumiLogin = stepIndex(target, { uses: "pulumi/auth-actions" });
    const awsLogin = stepIndex(target, { uses: "aws-actions/configure-aws-credentials" });
    const pulumi = stepIndex(target, { uses: "pulumi/actions" });
    assert.ok(
        install < pulumi && pulumiLogin < pulumi && awsLogin < pulumi,
        "install and log in before Pulumi runs",
    );

    const aws = target.steps[awsLogin]!.with ?? {};
    assert.equal(aws["role-to-assume"], `\${{ vars.${expected.roleVariable} }}`);
    assert.ok(aws["aws-region"], "a region for STS");
    assert.equal(aws["aws-access-key-id"], undefined);
    assert.equal(aws["aws-secret-access-key"], undefined);

    const pulumiStep = target.steps[pulumi]!;
    assert.equal(pulumiStep.with?.command, expected.command);
    assert.equal(pulumiStep.with?.["stack-name"], `\${{ vars.PULUMI_ORG }}/${expected.stack}`);
    assert.equal(pulumiStep.with?.policyPacks, "policy");
    return pulumiStep;
}

describe("the pull-request workflow", () => {
    const flow = workflow("pull-request.yml");

    it("runs on pull requests to main with read-only default permissions", () => {
        assert.deepEqual(Object.keys(flow.on), ["pull_request"]);
        assert.deepEqual(flow.on.pull_request, { branches: ["main"] });
        assert.deepEqual(flow.permissions, { contents: "read" });
        assert.equal(flow.concurrency?.["cancel-in-progress"], true, "a new push supersedes the last run");
    });

    it("installs with npm ci, then type-checks, lints and tests", () => {
        assertTestJob(job(flow, "test"));
    });

    it("previews each stack the deploy workflow updates after the tests pass, one matrix job each", () => {
        const preview = job(flow, "preview");
        const deployed = Object.entries(workflow("deploy.yml").jobs)
            .filter(([, target]) => target.steps.some((s) => s.uses?.split("@")[0] === "pulumi/actions"))
            .map(([id]) => id);

        assert.equal(preview.needs, "test");
        // The stacks the bootstrap creates; pulumi/actions would create a missing one only with
        // upsert, and a preview must not. adopt is the local stack (npm start -- --stack adopt).
        assert.deepEqual(preview.strategy?.matrix, { stack: deployed });
        assert.deepEqual(deployed, ["dev", "prod"]);
        for (const stack of deployed) assert.ok(stacks().includes(stack), `stacks/Pulumi.${stack}.yaml`);
        assert.equal(step(preview, "pulumi/actions").with?.upsert, undefined, "a preview creates no stack");
        assert.equal(
            preview.strategy?.["fail-fast"],
            false,
            "one stack's failure does not hide the other's preview",
        );
    });

    it("reports the required checks Preview dev and Preview prod on every pull request, a fork's too", () => {
        const preview = job(flow, "preview");
        const matrix = preview.strategy?.matrix as { stack: string[] };

        // A job-level if on a matrix job skips one check named with the unexpanded matrix
        // expression (actions/runner#952): the required checks would never report for a fork.
        assert.equal(preview.if, undefined, "no job-level condition");
        assert.deepEqual(
            matrix.stack.map((stack) => preview.name?.replace("${{ matrix.stack }}", stack)),
            ["Preview dev", "Preview prod"],
        );
        // A fork gets no OIDC token: every step but the one that says so runs only for this repository's branches.
        assert.match(
            preview.env?.SAME_REPOSITORY ?? "",
            /^\$\{\{ github\.event\.pull_request\.head\.repo\.full_name == github\.repository \}\}$/,
        );
        const forkSteps = preview.steps.filter((s) => s.if !== "env.SAME_REPOSITORY == 'true'");
        assert.deepEqual(
            forkSteps.map((s) => [s.if, s.uses]),
            [["env.SAME_REPOSITORY != 'true'", undefined]],
        );
        assert.match(forkSteps[0]?.run ?? "", /^echo "::notice::/);
    });

    it("previews with the policy pack through pulumi/actions and comments on the pull request", () => {
        const preview = job(flow, "preview");

        const pulumi = assertPulumiJob(preview, {
            command: "preview",
            stack: "${{ matrix.stack }}",
            roleVariable: "AWS_PREVIEW_ROLE_ARN",
        });

        assert.equal(pulumi.with?.["comment-on-pr"], true);
        assert.equal(pulumi.with?.["github-token"], "${{ secrets.GITHUB_TOKEN }}");
    });
});

describe("the deploy workflow", () => {
    const flow = workflow("deploy.yml");

    it("runs on pushes to main (and by hand)", () => {
        assert.deepEqual(flow.on.push, { branches: ["main"] });
        assert.ok("workflow_dispatch" in flow.on);
        assert.deepEqual(flow.permissions, { contents: "read" });
    });

    it("updates each environment one deployment at a time, never cancelled, in a queue of its own", () => {
        const deployJobs = Object.entries(flow.jobs).filter(([, target]) =>
            target.steps.some((s) => s.uses?.split("@")[0] === "pulumi/actions"),
        );

        // A workflow-level group would hold a dev deploy behind a prod deploy awaiting approval.
        assert.equal(flow.concurrency, undefined, "no workflow-wide concurrency group");
        assert.deepEqual(
            deployJobs.map(([id]) => id),
            ["dev", "prod"],
        );
        for (const [id, target] of deployJobs) {
            const environment =
                typeof target.environment === "string" ? target.environment : target.environment?.name;
            assert.deepEqual(
                target.concurrency,
                { group: `deploy-${environment}`, "cancel-in-progress": false },
                `${id} queues per environment`,
            );
        }
        const groups = deployJobs.map(([, target]) => target.concurrency?.group);
        assert.equal(new Set(groups).size, groups.length, "every environment has its own group");
    });

    it("tests before it deploys", () => {
        assertTestJob(job(flow, "test"));
        assert.equal(job(flow, "dev").needs, "test");
    });

    it("updates dev with the policy pack, as the dev environment's role", () => {
        const dev = job(flow, "dev");

        assert.equal(dev.environment, "dev");
        assertPulumiJob(dev, { command: "up", stack: "dev", roleVariable: "AWS_DEPLOY_ROLE_ARN" });
    });

    it("updates prod only after dev, behind the production environment's approval", () => {
        const prod = job(flow, "prod");

        assert.equal(prod.needs, "dev");
        assert.equal(prod.environment, "production");
        assertPulumiJob(prod, { command: "up", stack: "prod", roleVariable: "AWS_DEPLOY_ROLE_ARN" });
    });
});

describe("the release workflow", () => {
    const flow = workflow("release.yml");

    it("runs on version tags, with read-only default permissions", () => {
        assert.deepEqual(flow.on, { push: { tags: ["v*.*.*"] } });
        assert.deepEqual(flow.permissions, { contents: "read" });
        assert.equal(flow.concurrency?.["cancel-in-progress"], false);
    });

    it("tests before it releases", () => {
        assertTestJob(job(flow, "test"));
        assert.equal(job(flow, "release").needs, "test");
    });

    it("checks the tag is package.json's version, builds, checks the schema, then creates the release, its only write", () => {
        const release = job(flow, "release");
        const order = [
            stepIndex(release, { run: /^npm ci\b/ }),
            stepIndex(release, { run: /GITHUB_REF_NAME" = "v\$\(node -p .*version/ }),
            stepIndex(release, { run: /^npm run build$/ }),
            stepIndex(release, { run: /^npm run schema && git diff --exit-code provider\/schema\.json$/ }),
            stepIndex(release, { run: /^gh release create "\$GITHUB_REF_NAME" provider\/schema\.json/ }),
        ];

        assert.deepEqual(
            order,
            [...order].sort((a, b) => a - b),
        );
        assert.deepEqual(release.permissions, { contents: "write" });
        for (const script of ["build", "schema"])
            assert.ok(PACKAGE_SCRIPTS[script], `npm run ${script} exists`);
    });
});

describe("every workflow", () => {
    const files = fs.readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name));

    it("is one of the three this repository documents", () => {
        assert.deepEqual(files.sort(), ["deploy.yml", "pull-request.yml", "release.yml"]);
    });

    for (const file of files) {
        it(`${file} stores no cloud credentials: OIDC roles only, no keys or tokens in secrets`, () => {
            const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");

            assert.doesNotMatch(text, /aws-access-key-id|aws-secret-access-key|aws-session-token/);
            assert.doesNotMatch(text, /secrets\.(AWS_|PULUMI_ACCESS_TOKEN)/);
            for (const [id, target] of Object.entries(workflow(file).jobs)) {
                const assumesRole = target.steps.some((s) =>
                    s.uses?.startsWith("aws-actions/configure-aws-credentials"),
                );
                const permissions = target.permissions;
                assert.notEqual(permissions, "write-all", `${id} asks for every permission`);
                if (assumesRole)
                    assert.equal((permissions as Record<string, string>)["id-token"], "write", id);
            }
        });

        it(`${file} pins every action to a major version`, () => {
            for (const target of Object.values(workflow(file).jobs)) {
                for (const s of target.steps.filter((candidate) => candidate.uses)) {
                    assert.match(String(s.uses), /^[\w.-]+\/[\w.-]+@v\d+$/, String(s.uses));
                }
            }
        });
    }

    it("points --policy-pack at a policy pack folder", () => {
        assert.ok(fs.existsSync(path.join(PROJECT_ROOT, "policy", "PulumiPolicy.yaml")));
    });
});
