package dev.quorumcommit.web;

import java.io.IOException;
import java.io.PrintWriter;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

/**
 * Tomcat refuses some requests before Spring sees them (an encoded {@code /} or {@code \} in a path,
 * a malformed request line) and answers them with an HTML page. The contract promises a problem for
 * every error, so this valve writes those answers as {@code application/problem+json} instead.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String title = known == null ? null : known.getReasonPhrase();
        String detail = status == 400
                ? "The request was refused before it reached the application: its path or headers are malformed"
                  + " (an encoded '/' or '\\\\' in a path is not accepted)."
                : "The request could not be served (" + (title == null ? "HTTP " + status : title) + ").";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"type\":\"about:blank\",\"title\":\"" + (title == null ? "Error" : title)
                        + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response is already committed: nothing more can be said.
        }
    }
}
