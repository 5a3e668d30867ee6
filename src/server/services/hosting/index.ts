export { HostingService, hostingService, type HostingRequest, type HostingResponse } from "./serve-bound-host.ts";
