#ifndef BILLFLOW_AWS_AWS_ERROR_H_
#define BILLFLOW_AWS_AWS_ERROR_H_

#include <string>

#include "core/error.h"
#include "http/http_client.h"

namespace billflow {

// The error an AWS service put in a non-2xx answer.
struct AwsErrorInfo {
  std::string type;     // "BadRequestException", "NoSuchKey", … (namespace/URL stripped)
  std::string message;  // the service's own words; may be empty
};

// JSON protocols (Data API, Secrets Manager): the x-amzn-ErrorType header, else the body's
// "__type" or "code"; "message" or "Message".
AwsErrorInfo ParseJsonError(const HttpResponse& response);

// S3's XML <Error><Code/><Message/></Error>.
AwsErrorInfo ParseXmlError(const HttpResponse& response);

// The coarse code for an HTTP status when the service type does not decide it:
// 401/403 permission, 404 not found, 408/429/5xx unavailable, other 4xx invalid argument.
ErrorCode CodeForHttpStatus(int status);

}  // namespace billflow

#endif  // BILLFLOW_AWS_AWS_ERROR_H_
