# Unit tests against the gate-level netlists of single blocks (issue 6): each block goes through
# exactly the whole-core flow (scripts/synth.py --netlist-block: Yosys synth + dfflibmap + abc to
# osu018, write_verilog, the generated cell models, flatten) with the parameters its RTL unit test
# is Verilated with, and the unchanged unit test (tb/unit) runs against the netlist. A block
# takes minutes where the whole core takes half an hour: the way to find which block's netlist
# differs from its RTL. ctest label `netlist`, prefix `netlist.`.

find_package(Python3 REQUIRED COMPONENTS Interpreter)

# ifc_netlist_block(<rtl target>)
#   <rtl target>_netlist: the Verilated flat netlist of the block sim/CMakeLists.txt Verilates as
#   <rtl target> (same top, same parameters, same IFC_RTL_* definitions). Yosys runs at configure
#   time (verilate() needs its sources then); synth.py skips it when RTL, parameters and flow are
#   unchanged.
function(ifc_netlist_block rtl)
  get_property(_top GLOBAL PROPERTY IFC_VL_TOP_${rtl})
  get_property(_params GLOBAL PROPERTY IFC_VL_PARAMS_${rtl})
  if(NOT _top)
    message(FATAL_ERROR "ifc_netlist_block: ${rtl} is not an ifc_verilate() target")
  endif()
  set(_dir ${CMAKE_BINARY_DIR}/synth/netlist_blocks/${rtl})
  set(_args "")
  foreach(_p IN LISTS _params)
    list(APPEND _args "--param=${_p}")
  endforeach()
  message(STATUS "netlist: ${_top} (${rtl}): scripts/synth.py --netlist-block")
  execute_process(COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/synth.py --build ${CMAKE_BINARY_DIR}
                          --netlist-block ${_top} --out ${_dir} ${_args}
                  RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "scripts/synth.py --netlist-block ${_top} failed")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_dir}/${_top}_flat.v)
  get_target_property(_defs ${rtl} INTERFACE_COMPILE_DEFINITIONS)
  list(REMOVE_ITEM _defs IFC_VM_TRACE=1)
  add_library(${rtl}_netlist STATIC EXCLUDE_FROM_ALL)
  verilate(${rtl}_netlist PREFIX V${_top} TOP_MODULE ${_top}
           DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/${rtl}_netlist
           VERILATOR_ARGS ${IFC_NETLIST_VERILATOR_OPT} --x-assign unique --x-initial unique -Wno-fatal
                          --output-split 20000
           SOURCES ${CMAKE_SOURCE_DIR}/rtl/ifc_sram_1r1w.sv ${_dir}/${_top}_flat.v)
  target_compile_definitions(${rtl}_netlist PUBLIC ${_defs} IFC_VM_TRACE=0 IFC_NETLIST_SIM=1)
  target_include_directories(${rtl}_netlist SYSTEM PUBLIC ${CMAKE_CURRENT_BINARY_DIR}/${rtl}_netlist
                             ${VERILATOR_ROOT}/include ${VERILATOR_ROOT}/include/vltstd)
  target_compile_options(${rtl}_netlist PRIVATE -Wno-unused -w -g0)
endfunction()

# ifc_netlist_unit_test(<exe> SOURCE <tb/unit cpp> NETLIST <rtl targets> [LIBS <other libs>] [FILTER <gtest filter>])
#   The unit test compiled against the netlist models of NETLIST (and the RTL models in LIBS).
function(ifc_netlist_unit_test exe)
  cmake_parse_arguments(A "" "SOURCE;FILTER" "NETLIST;LIBS" ${ARGN})
  set(_libs "")
  foreach(_rtl IN LISTS A_NETLIST)
    if(NOT TARGET ${_rtl}_netlist)
      ifc_netlist_block(${_rtl})
    endif()
    list(APPEND _libs ${_rtl}_netlist)
  endforeach()
  add_executable(${exe} EXCLUDE_FROM_ALL ${CMAKE_SOURCE_DIR}/tb/unit/${A_SOURCE})
  target_link_libraries(${exe} PRIVATE ${_libs} ${A_LIBS} ifc_model fmt::fmt GTest::gtest_main)
  target_include_directories(${exe} PRIVATE ${CMAKE_SOURCE_DIR}/tb)
  target_compile_options(${exe} PRIVATE ${IFC_WARNINGS})
  target_compile_definitions(${exe} PRIVATE IFC_DEFAULT_WAVE_DIR="${CMAKE_BINARY_DIR}/waves"
                             IFC_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  # Tests named *Asserts check that an RTL assertion fires; the netlist has no assertions (they
  # expand to nothing under SYNTHESIS), so they do not apply to it.
  set(_filter "-*Asserts")
  if(A_FILTER)
    set(_filter "${A_FILTER}")
  endif()
  gtest_discover_tests(${exe} TEST_PREFIX netlist. TEST_FILTER "${_filter}" PROPERTIES LABELS netlist
                       DISCOVERY_TIMEOUT 120)
  set_property(GLOBAL APPEND PROPERTY IFC_NETLIST_UNIT_TESTS ${exe})
endfunction()

set(IFC_NETLIST_BLOCK_TESTS "ecc_checker;read_path;ecc_corrector" CACHE STRING
    "Blocks whose unit test runs against their gate-level netlist (ifc_netlist_unit_test below)")
# Block b: tb/unit/test_<b>.cpp against the netlist of vl_<b>; the RTL models and libraries it
# also links (_nl_libs_<b>).
set(_nl_libs_pe_lane LIBS vl_act_buffer)
set(_nl_libs_read_path LIBS ifc_nand)
foreach(_b IN LISTS IFC_NETLIST_BLOCK_TESTS)
  if(NOT EXISTS ${CMAKE_SOURCE_DIR}/tb/unit/test_${_b}.cpp)
    message(FATAL_ERROR "IFC_NETLIST_BLOCK_TESTS: no unit test tb/unit/test_${_b}.cpp for '${_b}'")
  endif()
  ifc_netlist_unit_test(test_${_b}_netlist SOURCE test_${_b}.cpp NETLIST vl_${_b} ${_nl_libs_${_b}})
endforeach()
get_property(_nl_exes GLOBAL PROPERTY IFC_NETLIST_UNIT_TESTS)
add_custom_target(netlist_blocks DEPENDS ${_nl_exes})
