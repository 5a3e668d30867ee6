export { HostingService, hostingService, internalError, type HostingRequest, type HostingResponse } from "./serve-bound-host.ts";
