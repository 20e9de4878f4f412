256 SHA256:dOar5xEuYIak+jSzhg66v8qD2FERnCx+B6Zz7xAnJcM host1.example.com,10.0.0.1 (ECDSA)
256 SHA256:rs6D1u8wvLlqO7wpzpRi65AgijFNYkE8d+6n26iNANA a comment (ED25519)
2048 SHA256:U4KCp2oRt4k14jXfgd2iyUraFFkyjkndlekFPGMtXEE *.example.org (RSA)
