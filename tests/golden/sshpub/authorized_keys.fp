2048 SHA256:U4KCp2oRt4k14jXfgd2iyUraFFkyjkndlekFPGMtXEE alice@laptop (RSA)
256 SHA256:rs6D1u8wvLlqO7wpzpRi65AgijFNYkE8d+6n26iNANA bob with spaces (ED25519)
256 SHA256:dOar5xEuYIak+jSzhg66v8qD2FERnCx+B6Zz7xAnJcM restrict (ECDSA)
384 SHA256:ah7pQGKe84Qbd/jbiog7YdwSoSD9R6rIETUETJ6bLYY crlf@host (ECDSA)
521 SHA256:KpGERAh+mOY/MS+8qr/rjs8Xrnvxfw8tp9jlCaLkGMk leading blanks (ECDSA)
