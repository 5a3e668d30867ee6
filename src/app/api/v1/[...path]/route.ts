import { errorResponse } from "@/server/http/json-route";

// Unknown /api/v1 paths answer JSON 404, not the dashboard's HTML page.
function notFound(request: Request): Response {
  return errorResponse(404, "NOT_FOUND", `No API route ${request.method} ${new URL(request.url).pathname}.`);
}
export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
