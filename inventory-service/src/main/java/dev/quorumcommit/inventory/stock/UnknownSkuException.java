package dev.quorumcommit.inventory.stock;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.http.ProblemDetail;

class UnknownSkuException extends ErrorResponseException {

    UnknownSkuException(String sku) {
        super(HttpStatus.NOT_FOUND, problem(sku), null);
    }

    private static ProblemDetail problem(String sku) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                "No stock is recorded for SKU '" + sku + "'; PUT /api/inventory/" + sku + " creates it.");
        problem.setTitle("Unknown SKU");
        return problem;
    }
}
