/**
 * The plugin's entry (PulumiPlugin.yaml's `main`): Pulumi runs it when a program in any language
 * uses the package, and it serves the components over Pulumi's provider protocol.
 */
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { PROVIDER_OPTIONS } from "./components";

void componentProviderHost(PROVIDER_OPTIONS);
