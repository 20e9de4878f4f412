#define BOOST_TEST_MODULE keypipe
#include <boost/test/unit_test.hpp>
