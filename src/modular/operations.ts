/**
 * matterapi/operations: every operation as a function of a client, named and typed as the AsyncClient's method
 * (`getUser(client, "me")` for `client.users.getUser("me")`), each answer checked against its response schema.
 * Import only what you call: a bundler keeps those operations and their schemas, and drops the rest.
 */
export * from "../generated/functions/index.js";
