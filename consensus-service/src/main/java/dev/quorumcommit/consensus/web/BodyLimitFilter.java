package dev.quorumcommit.consensus.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses an API request body larger than a 1 MiB value plus its JSON envelope with a 413 problem,
 * before it is buffered: by its Content-Length, or, for a body without one (chunked), by reading at
 * most one byte past the limit and handing what passes on from memory. The exact 1 MiB
 * limit of the value itself is checked by the controllers, on the parsed value.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class BodyLimitFilter extends OncePerRequestFilter {

    /** The value's 1 MiB, plus room for the envelope ({@code {"value": ..., "expectedRevision": ...}}) and whitespace. */
    static final int MAX_BODY_BYTES = RawJson.MAX_BYTES + 16 * 1024;

    private final JsonMapper mapper;

    BodyLimitFilter(JsonMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            refuse(request, response, "The request body is " + declared + " bytes");
            return;
        }
        if (declared >= 0 || request.getHeader("Transfer-Encoding") == null) {
            // A declared length within the limit is all there is: the server reads no more than it. Only a chunked
            // body has to be counted while it is read (and so buffered); most bodies are not, and pay nothing here.
            chain.doFilter(request, response);
            return;
        }
        byte[] body = readAtMost(request.getInputStream(), MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            refuse(request, response, "The request body is more than " + MAX_BODY_BYTES + " bytes");
            return;
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream(8192);
        byte[] chunk = new byte[8192];
        int n;
        while (read.size() < limit && (n = in.read(chunk, 0, Math.min(chunk.length, limit - read.size()))) != -1) {
            read.write(chunk, 0, n);
        }
        return read.toByteArray();
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String what) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", "Content Too Large");
        problem.put("status", 413);
        problem.put("detail", what + "; a value or payload may be at most 1 MiB (" + RawJson.MAX_BYTES
                + " bytes) of JSON, and the whole body at most " + MAX_BODY_BYTES + " bytes. Nothing was changed.");
        problem.put("instance", request.getRequestURI());
        response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        // The rest of the body is not read: tell the client this connection is done with.
        response.setHeader("Connection", "close");
        mapper.writeValue(response.getOutputStream(), problem);
    }
}
